from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.CalendarView.as_view(), name="calendar"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("types/", views.ReportTypeListView.as_view(), name="type-list"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/open/", views.OpenView.as_view(), name="report-open"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/save/", views.SaveView.as_view(), name="report-save"),
    path("reports/<int:pk>/explain/", views.ExplainView.as_view(), name="report-explain"),
    path(
        "reports/<int:pk>/annual/<slug:fmt>/", views.AnnualExportView.as_view(), name="report-annual-export"
    ),
    path("reports/<int:pk>/submit/", views.SubmitView.as_view(), name="report-submit"),
    path("reports/<int:pk>/return/", views.ReturnView.as_view(), name="report-return"),
    path("reports/<int:pk>/approve/", views.ApproveView.as_view(), name="report-approve"),
    path("reports/<int:pk>/accept/", views.AcceptView.as_view(), name="report-accept"),
    path("reports/<int:pk>/unlock/", views.UnlockView.as_view(), name="report-unlock"),
    path("bulletins/<int:pk>/review/", views.BulletinReviewView.as_view(), name="bulletin-review"),
    path("bulletins/<int:pk>/sign/", views.BulletinSignView.as_view(), name="bulletin-sign"),
]
