"""What the honours app registers with core (called from ``HonoursConfig.ready()``): its menu entries,
the automatic criteria, the member autocomplete of the 登记荣誉 form, and the honours panel of the union and workplace pages."""

from __future__ import annotations

from django.utils import timezone

from gonghui.core import navigation, panels
from gonghui.core.forms import AutocompleteSource, register_autocomplete


def _member_label(member) -> str:
    return f"{member.name}（{member.id_masked}）"


def holder_panel(obj, request) -> dict | None:
    """The titles a union or workplace holds (revoked ones too), as the user may see them."""
    from .models import Title
    from .titles import held_by

    rows = list(held_by(obj).filter(pk__in=Title.objects.visible_to(request.user).values("pk")))
    return {"titles": rows, "today": timezone.localdate()} if rows else None


def register() -> None:
    from gonghui.members.models import Member

    from . import criteria  # noqa: F401  (registers the built-in automatic criteria)
    from .models import Proposal

    navigation.register("荣誉数据库", "honours:title-list", "bi-award", 68, section="荣誉与示范")
    navigation.register("复查到期", "honours:title-due", "bi-calendar-check", 71, section="荣誉与示范")
    register_autocomplete(
        AutocompleteSource(
            "honour-members", lambda user: Member.objects.visible_to(user), label=_member_label
        )
    )
    _register_manage()
    panels.register("orgs.unionorg", "honours/_holder_panel.html", holder_panel, order=50)
    panels.register("orgs.workplace", "honours/_holder_panel.html", holder_panel, order=50)

    # 评选推荐 (s23-rounds): the menu entries and the proposals a nomination form offers (scoped; a
    # person is offered through "honour-members" — the service refuses one not in the union).
    navigation.register("评选推荐", "honours:round-list", "bi-trophy", 69, section="荣誉与示范")
    navigation.register("荣誉类型", "honours:kind-list", "bi-bookmark-star", 72, section="荣誉与示范")
    register_autocomplete(
        AutocompleteSource(
            "honour-proposals", lambda user: Proposal.objects.visible_to(user), search_field="title"
        )
    )


def _register_manage() -> None:
    """Dynamic management: 示范点补助, 复查, 结对共建, 职工代表提案 (menu and the scoped autocompletes)."""
    from gonghui.members.models import Member

    from .partnerships import partner_unions
    from .proposals import workplaces_for

    navigation.register("复查（回头看）", "honours:reinspection-list", "bi-search", 71, section="荣誉与示范")
    navigation.register("示范点补助", "honours:grant-list", "bi-cash-coin", 72, section="荣誉与示范")
    navigation.register("结对共建", "honours:partnership-list", "bi-people", 72, section="荣誉与示范")
    navigation.register("职工代表提案", "honours:proposal-list", "bi-journal-text", 72, section="荣誉与示范")
    register_autocomplete(AutocompleteSource("honours-partners", partner_unions))
    register_autocomplete(
        AutocompleteSource(
            "honours-workplaces",
            workplaces_for,
            label=lambda w: f"{w.name}（{w.uscc}）" if w.uscc else w.name,
        )
    )
    register_autocomplete(
        AutocompleteSource(
            "honours-proposers", lambda user: Member.objects.visible_to(user), label=_member_label
        )
    )
