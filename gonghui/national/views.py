"""全国汇总: the provinces' published figures and their sum (aggregates only, no personal data)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View

from gonghui.targets.params import as_of_from

from .rollup import rollup


class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        day = as_of_from(request, dt.date.today())
        data = rollup(day)
        return render(
            request,
            "national/dashboard.html",
            {"data": data, "title": "全国汇总", "national": settings.GONGHUI_MODE == "national"},
        )
