from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="member-list"),
    path("add/", views.MemberEditView.as_view(), name="member-add"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="member-edit"),
    path("<int:pk>/reveal/", views.MemberRevealView.as_view(), name="member-reveal"),
    path("<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member-transfer"),
    path(
        "<int:pk>/transfer-province/",
        views.MemberProvinceTransferView.as_view(),
        name="member-transfer-province",
    ),
    path("<int:pk>/retain/", views.MemberRetainView.as_view(), name="member-retain"),
    path("<int:pk>/leave/", views.MemberLeaveView.as_view(), name="member-leave"),
]
