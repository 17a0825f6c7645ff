"""The home page's panels. Each app registers, in its AppConfig.ready(), a URL name that takes the
user's node (``pk``) and answers an htmx fragment; the home page loads them in order. Core names no
app's page (orgs registers its subtree counts)."""

from __future__ import annotations

from django.urls import reverse

_PANELS: dict[str, int] = {}


def register_panel(url_name: str, order: int) -> None:
    _PANELS[url_name] = order


def panel_urls(node) -> list[str]:
    """The URL of every registered panel for ``node``, in order."""
    return [reverse(name, args=[node.pk]) for name in sorted(_PANELS, key=lambda name: _PANELS[name])]
