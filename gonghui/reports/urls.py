from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin-list"),
    path("bulletins/plan/<int:pk>/", views.BulletinView.as_view(), name="bulletin"),
    path("bulletins/<int:pk>/", views.SnapshotView.as_view(), name="snapshot"),
    path("bulletins/<int:pk>/<slug:fmt>/", views.BulletinDownloadView.as_view(), name="bulletin-download"),
]
