"""What the honours app registers with core (called from ``HonoursConfig.ready()``): its menu entries,
the member autocomplete of the 登记荣誉 form, and the honours panel of the union and workplace pages."""

from __future__ import annotations

from gonghui.core import navigation, panels
from gonghui.core.forms import AutocompleteSource, register_autocomplete


def _member_label(member) -> str:
    return f"{member.name}（{member.id_masked}）"


def holder_panel(obj, request) -> dict | None:
    """The titles a union or workplace holds (revoked ones too), as the user may see them."""
    from .models import Title
    from .titles import held_by

    rows = list(held_by(obj).filter(pk__in=Title.objects.visible_to(request.user).values("pk")))
    return {"titles": rows} if rows else None


def register() -> None:
    from gonghui.members.models import Member

    navigation.register("荣誉数据库", "honours:title-list", "bi-award", 68)
    navigation.register("复查到期", "honours:title-due", "bi-calendar-check", 71)
    register_autocomplete(
        AutocompleteSource(
            "honour-members", lambda user: Member.objects.visible_to(user), label=_member_label
        )
    )
    panels.register("orgs.unionorg", "honours/_holder_panel.html", holder_panel, order=50)
    panels.register("orgs.workplace", "honours/_holder_panel.html", holder_panel, order=50)
