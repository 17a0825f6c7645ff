"""The home page's 督导提醒 panel: what the user's union must act on (tasks, pairings, meetings)."""

from __future__ import annotations

from collections import Counter

from django.shortcuts import get_object_or_404, render
from django.views import View

from gonghui.core.views import ScopedMixin
from gonghui.orgs.models import UnionOrg

from . import reminders

PANEL_ITEMS_PER_KIND = 5


class ReminderPanelView(ScopedMixin, View):
    model = UnionOrg

    def get(self, request, pk):
        node = get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)
        found = reminders.for_user(request.user, node)
        # A home-page panel, not the whole list: the first few of each kind (a long run of overdue tasks
        # must not hide the pairings and meetings); the rest are one click away on their pages.
        shown, per_kind = [], Counter()
        for reminder in found:
            per_kind[reminder.kind] += 1
            if per_kind[reminder.kind] <= PANEL_ITEMS_PER_KIND:
                shown.append(reminder)
        return render(
            request,
            "supervision/_reminder_panel.html",
            {"node": node, "reminders": shown, "more": len(found) - len(shown)},
        )
