from django.urls import path

from . import console_views, views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    # 系统管理员 (issue 11): settings, reference data, background tasks.
    path("system/settings/", console_views.SettingsView.as_view(), name="system-settings"),
    path("system/reference/", console_views.ReferenceView.as_view(), name="system-reference"),
    path("system/reference/edit/", console_views.ReferenceEditView.as_view(), name="system-reference-edit"),
    path("system/jobs/", console_views.JobsView.as_view(), name="system-jobs"),
]
