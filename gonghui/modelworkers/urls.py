from django.urls import path

from . import views

app_name = "modelworkers"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="person-list"),
    path("add/", views.PersonEditView.as_view(), name="person-add"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person-reveal"),
    path("<int:pk>/title/", views.AddTitleView.as_view(), name="person-title"),
    path("<int:pk>/title/remove/", views.RemoveTitleView.as_view(), name="person-title-remove"),
    path("<int:pk>/service/", views.AddServiceView.as_view(), name="person-service"),
    path("studios/", views.StudioListView.as_view(), name="studio-list"),
    path("studios/add/", views.StudioEditView.as_view(), name="studio-add"),
    path("studios/<int:pk>/", views.StudioDetailView.as_view(), name="studio-detail"),
    path("studios/<int:pk>/edit/", views.StudioEditView.as_view(), name="studio-edit"),
    path("services/", views.ServiceListView.as_view(), name="service-list"),
]
