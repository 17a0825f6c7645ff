from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("upload/", views.PlanUploadView.as_view(), name="plan-upload"),
    path("upload/template.xlsx", views.PlanTemplateView.as_view(), name="plan-template"),
    path("entry/", views.PlanEntryView.as_view(), name="plan-entry"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/drill/<int:union_pk>/<slug:metric>/", views.DrillView.as_view(), name="plan-drill"),
    path("indicators/", views.IndicatorView.as_view(), name="indicators"),
    path("quality/", views.QualityBoardView.as_view(), name="quality"),
    path("quality/<int:pk>/<slug:check>/", views.QualityDrillView.as_view(), name="quality-drill"),
]
