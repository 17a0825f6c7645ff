from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from gonghui.api.urls import api

handler400 = "gonghui.core.views.bad_request"
handler500 = "gonghui.core.views.server_error"

urlpatterns = [
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("regions/", include("gonghui.regions.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("imports/", include("gonghui.imports.urls")),
    path("targets/", include("gonghui.targets.urls")),
    path("directories/", include("gonghui.directories.urls")),
    path("worklist/", include("gonghui.directories.worklist_urls")),
    path("reports/", include("gonghui.reports.urls")),
    path("supervision/", include("gonghui.supervision.urls")),
    path("reporting/", include("gonghui.reporting.urls")),
    path("evaluation/", include("gonghui.evaluation.urls")),
    path("honours/", include("gonghui.honours.urls")),
    path("people/", include("gonghui.people.urls")),
    path("venues/", include("gonghui.venues.urls")),
    path("modelworkers/", include("gonghui.modelworkers.urls")),
    path("training/", include("gonghui.training.urls")),
    path("join/", include("gonghui.joining.urls")),
    path("national/", include("gonghui.national.urls")),
    path("api/v1/", api.urls),
]
if settings.GONGHUI_ADMIN_ENABLED:  # off by default (issue 11); see gonghui.core.admin_site
    urlpatterns.append(path("admin/", admin.site.urls))
