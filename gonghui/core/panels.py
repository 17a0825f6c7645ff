"""Panels another app adds to an object's detail page (a union's page shows its honours): each app
registers, in its AppConfig.ready(), a template and a function of (object, request) returning the
template's context, or None to show nothing; the page renders them with ``{% object_panels object %}``.
Core names no app, and the page's app imports none of the apps that add panels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[models.Model, HttpRequest], dict | None]
    order: int = 100


_PANELS: dict[str, list[Panel]] = {}


def register(
    model_label: str,
    template: str,
    context_func: Callable[[models.Model, HttpRequest], dict | None],
    order: int = 100,
) -> None:
    """``model_label`` as ``app_label.modelname`` (lower case, e.g. ``orgs.unionorg``)."""
    panels = _PANELS.setdefault(model_label, [])
    panels[:] = [p for p in panels if p.template != template]  # registering twice replaces
    panels.append(Panel(template, context_func, order))
    panels.sort(key=lambda p: p.order)


def panels_for(obj: models.Model, request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, context) of every panel registered for the object's model that has something to show."""
    found = []
    for panel in _PANELS.get(obj._meta.label_lower, []):
        context = panel.context(obj, request)
        if context is not None:
            found.append((panel.template, context))
    return found
