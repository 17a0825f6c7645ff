from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("otp/", views.OTPStatusView.as_view(), name="otp-status"),
    path("otp/verify/", views.OTPVerifyView.as_view(), name="otp-verify"),
    path("otp/enrol/", views.OTPEnrolView.as_view(), name="otp-enrol"),
    path("tokens/", views.TokenListView.as_view(), name="token-list"),
    path("tokens/all/", views.TokenListView.as_view(everyone=True), name="token-all"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("tokens/<int:pk>/scope/", views.TokenScopeView.as_view(), name="token-scope"),
    path("lockouts/", views.LockoutListView.as_view(), name="lockout-list"),
    path("lockouts/unlock/", views.LockoutUnlockView.as_view(), name="lockout-unlock"),
    path("sessions/", views.SessionListView.as_view(), name="session-list"),
    path("sessions/all/", views.SessionListView.as_view(everyone=True), name="session-all"),
    path("sessions/<int:pk>/end/", views.SessionEndView.as_view(), name="session-end"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/add/", views.UserEditView.as_view(), name="user-add"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user-edit"),
    path("users/<int:pk>/disable/", views.UserDeleteView.as_view(), name="user-delete"),
    path("users/<int:pk>/otp-reset/", views.OTPResetView.as_view(), name="user-otp-reset"),
    path("audit/", views.AuditLogView.as_view(), name="audit-list"),
]
