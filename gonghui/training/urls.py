from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.SessionListView.as_view(), name="session-list"),
    path("add/", views.SessionEditView.as_view(), name="session-add"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path("<int:pk>/headcount/", views.HeadcountView.as_view(), name="session-headcount"),
    path("<int:pk>/attendees/add/", views.AddAttendeeView.as_view(), name="attendee-add"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="session-cancel"),
    path("attendees/<int:pk>/remove/", views.RemoveAttendeeView.as_view(), name="attendee-remove"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("cadres/", views.CadreIndexView.as_view(), name="cadres"),
    path("cadres/<int:pk>/", views.CadreCountyView.as_view(), name="cadres-county"),
]
