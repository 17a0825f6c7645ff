from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.VenueListView.as_view(), name="venue-list"),
    path("add/", views.VenueEditView.as_view(), name="venue-add"),
    path("<int:pk>/", views.VenueDetailView.as_view(), name="venue-detail"),
    path("<int:pk>/edit/", views.VenueEditView.as_view(), name="venue-edit"),
    path("<int:pk>/inspect/", views.InspectView.as_view(), name="venue-inspect"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("map/", views.MapView.as_view(), name="map"),
    path("map/boundary.json", views.BoundaryView.as_view(), name="boundary"),
]
