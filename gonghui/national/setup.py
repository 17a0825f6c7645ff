"""What the national app registers with core at start-up: its hooks and its menu entry."""

from __future__ import annotations

from gonghui.core import hooks, navigation


def register() -> None:
    from . import check, services

    hooks.register("membership.held", services.on_held)
    hooks.register("membership.ended", services.on_ended)
    hooks.register("membership.admit", check.held_elsewhere)
    from django.conf import settings

    # On the national instance it is the home page's neighbour; in a province, what the province
    # publishes upward — a provincial federation's concern, beside the other reporting upward.
    national = settings.GONGHUI_MODE == "national"
    navigation.register(
        "全国汇总",
        "national:dashboard",
        "bi-globe2",
        5 if national else 69,
        may_open,
        section="" if national else "报送与考核",
    )


def may_open(user) -> bool:
    """The view's rule: anyone signed in on the national instance; in a province, the administrators of
    the province's own federation (the root of the tree), not a city or a county."""
    from django.conf import settings

    from gonghui.core.scope import home_node

    if settings.GONGHUI_MODE == "national":
        return bool(getattr(user, "is_authenticated", False))
    node = home_node(user)
    return node is not None and node.parent_id is None
