"""The home page's 督导提醒 panel: what the user's union must act on (tasks, pairings, meetings)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views import View

from gonghui.core.views import ScopedMixin
from gonghui.orgs.models import UnionOrg

from . import reminders


class ReminderPanelView(ScopedMixin, View):
    model = UnionOrg

    def get(self, request, pk):
        node = get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)
        found = reminders.for_user(request.user, node)
        return render(request, "supervision/_reminder_panel.html", {"node": node, "reminders": found})
