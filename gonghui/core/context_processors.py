from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import navigation


def navigation_items(request):
    """The menu's entries and sections, computed once per request: a page renders further templates with
    the request's context (django-tables2's table, included panels), and each runs the processors again."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    cached = getattr(request, "_navigation_items", None)
    if cached is None:
        cached = request._navigation_items = _navigation(request)
    return cached


def _navigation(request) -> dict[str, Any]:
    path = request.path
    entries: list[dict[str, Any]] = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "icon": item.icon,
            "section": item.section,
            "active": False,
        }
        for item in navigation.items(request.user)
    ]
    # The entry with the longest URL that prefixes the current path is the active one.
    matches = [e for e in entries if (path == e["url"] if e["url"] == "/" else path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    # Grouped for the menu: a section opens when it holds the current page (or is the only one).
    sections: list[dict[str, Any]] = []
    for entry in entries:
        if not sections or sections[-1]["label"] != entry["section"]:
            sections.append({"label": entry["section"], "entries": [], "open": False})
        sections[-1]["entries"].append(entry)
        sections[-1]["open"] |= entry["active"]
    if len([s for s in sections if s["label"]]) == 1:
        sections[-1]["open"] = True
    return {"nav_items": entries, "nav_sections": sections}


def replica_notice(request):
    """「数据截至 HH:MM:SS」 on a page that read a replica lagging more than DATABASE_REPLICA_NOTICE_LAG
    seconds (issue 17; gonghui/core/replica.py). Evaluated lazily: the template asks after the view's own
    queries (and those the template itself runs before the footer) have been routed."""
    from django.utils import timezone

    from . import replica

    def notice() -> str:
        state = replica.current()
        if state is None or not state.used or state.as_of is None:
            return ""
        return timezone.localtime(state.as_of).strftime("%H:%M:%S")

    return {"replica_as_of": SimpleLazyObject(notice)} if replica.configured() else {}
