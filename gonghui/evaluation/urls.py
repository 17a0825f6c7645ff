from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("sheets/", views.SheetListView.as_view(), name="sheet-list"),
    path("sheets/add/", views.SheetEditView.as_view(), name="sheet-add"),
    path("sheets/<int:pk>/", views.SheetDetailView.as_view(), name="sheet-detail"),
    path("sheets/<int:pk>/edit/", views.SheetEditView.as_view(), name="sheet-edit"),
    path("sheets/<int:sheet_pk>/items/add/", views.ItemAddView.as_view(), name="item-add"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path("sheets/<int:pk>/start/", views.StartView.as_view(), name="evaluation-start"),
    path("", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path("<int:pk>/recompute/", views.RecomputeView.as_view(), name="evaluation-recompute"),
    path("<int:pk>/finalise/", views.FinaliseView.as_view(), name="evaluation-finalise"),
    path("<int:pk>/reopen/", views.ReopenView.as_view(), name="evaluation-reopen"),
    path("<int:pk>/export/<str:fmt>/", views.ExportView.as_view(), name="evaluation-export"),
    path("results/<int:pk>/", views.ResultDetailView.as_view(), name="result-detail"),
    path("scores/<int:pk>/score/", views.ScoreView.as_view(), name="score-manual"),
    path("scores/<int:pk>/veto/", views.VetoView.as_view(), name="score-veto"),
    path("scores/<int:pk>/evidence/", views.EvidenceDownloadView.as_view(), name="score-evidence"),
]
