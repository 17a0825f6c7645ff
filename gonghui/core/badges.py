"""Warning badges on an object's detail page that another app knows about (a workplace a directory
lists as 注销): each app registers, in its AppConfig.ready(), a function of the object that returns
(text, level) pairs; the page shows them with ``{% object_badges object %}``. Core names no app."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

Badge = tuple[str, str]  # (Chinese text, Bootstrap level: "warning", "danger", "info")
_BADGES: dict[str, list[Callable[[models.Model], list[Badge]]]] = {}


def register(model_label: str, func: Callable[[models.Model], list[Badge]]) -> None:
    _BADGES.setdefault(model_label, []).append(func)


def badges_for(obj: models.Model) -> list[Badge]:
    found: list[Badge] = []
    for func in _BADGES.get(obj._meta.label_lower, []):
        found += func(obj)
    return found
