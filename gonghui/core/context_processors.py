from typing import Any

from django.urls import reverse

from . import navigation


def navigation_items(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    entries: list[dict[str, Any]] = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": False}
        for item in navigation.items(request.user)
    ]
    # The entry with the longest URL that prefixes the current path is the active one.
    matches = [e for e in entries if (path == e["url"] if e["url"] == "/" else path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_items": entries}
