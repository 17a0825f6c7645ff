"""What the honours app registers with core (called from ``HonoursConfig.ready()``): its menu entries and
the automatic criteria of the honour kinds."""

from __future__ import annotations


def register() -> None:
    from gonghui.core import navigation
    from gonghui.core.forms import AutocompleteSource, register_autocomplete
    from gonghui.members.models import HELD_STATUSES, Member

    from . import criteria  # noqa: F401  (registers the built-in automatic criteria)
    from .models import Proposal

    # 评选推荐 (s23-rounds): the menu entries and the subjects a nomination form offers (scoped).
    navigation.register("评选推荐", "honours:round-list", "bi-trophy", 68)
    navigation.register("荣誉类型", "honours:kind-list", "bi-bookmark-star", 72)
    register_autocomplete(
        AutocompleteSource(
            "honour-members",
            lambda user: Member.objects.visible_to(user).filter(status__in=HELD_STATUSES),
            label=lambda m: f"{m.name}（{m.id_masked}）",
        )
    )
    register_autocomplete(
        AutocompleteSource(
            "honour-proposals", lambda user: Proposal.objects.visible_to(user), search_field="title"
        )
    )
