"""全国汇总: the provinces' published figures and their sum (aggregates only, no personal data)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import View

from gonghui.core.middleware import NO_NODE
from gonghui.core.scope import home_node
from gonghui.targets.params import as_of_from

from .rollup import rollup
from .setup import may_open


class DashboardView(LoginRequiredMixin, View):
    # The national instance has no union tree (no node to govern): its staff sign in and see the sums.
    # A province keeps deny-by-default: a user without a node is refused there as on every page.
    open_without_node = True

    def get(self, request):
        if not may_open(request.user):
            raise PermissionDenied(NO_NODE if home_node(request.user) is None else "全国汇总仅供省总工会查看")
        day = as_of_from(request, dt.date.today())
        data = rollup(day)
        return render(
            request,
            "national/dashboard.html",
            {"data": data, "title": "全国汇总", "national": settings.GONGHUI_MODE == "national"},
        )
