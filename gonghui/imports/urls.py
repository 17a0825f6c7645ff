from django.urls import path

from . import views
from .engine import registered

app_name = "imports"
urlpatterns = [
    path("", views.JobListView.as_view(), name="job-list"),
    path("<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("<int:pk>/progress/", views.JobProgressView.as_view(), name="job-progress"),
    path("<int:pk>/confirm/", views.JobConfirmView.as_view(), name="job-confirm"),
    path("<int:pk>/retry/", views.JobRetryView.as_view(), name="job-retry"),
    path("<int:pk>/report/", views.JobReportView.as_view(), name="job-report"),
    path("<int:pk>/file/", views.JobFileView.as_view(), name="job-file"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
for kind in registered():  # each app's importer, registered in its AppConfig.ready()
    urlpatterns += [
        path(f"upload/{kind}/", views.UploadView.as_view(kind=kind), name=f"upload-{kind}"),
        path(f"template/{kind}.xlsx", views.TemplateDownloadView.as_view(kind=kind), name=f"template-{kind}"),
    ]
