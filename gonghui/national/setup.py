"""What the national app registers with core at start-up: its hooks and its menu entry."""

from __future__ import annotations

from gonghui.core import hooks, navigation


def register() -> None:
    from . import check, services

    hooks.register("membership.held", services.on_held)
    hooks.register("membership.ended", services.on_ended)
    hooks.register("membership.admit", check.held_elsewhere)
    navigation.register("全国汇总", "national:dashboard", "bi-globe2", 5, national_or_node, section="")


def national_or_node(user) -> bool:
    """The view's rule: anyone signed in on the national instance, a user with a node in a province."""
    from django.conf import settings

    return settings.GONGHUI_MODE == "national" or navigation.governs_a_node(user)
