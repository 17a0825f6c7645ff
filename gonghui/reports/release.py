"""The bulletin's issuing gate (拟稿 → 审核 → 签发), supplied by the reporting app.

The reporting app builds on reports (its annual statistics print in the bulletin's GB/T 9704 layout), so
reports cannot import it: reporting registers its workflow here in ``AppConfig.ready()``
(``reporting.bulletins``). Without a registered gate every bulletin is visible as generated.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import QuerySet

from gonghui.targets.models import Snapshot


class Gate(Protocol):
    def visible(self, user: Any, snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]: ...

    def draft(self, snapshot: Snapshot, *, actor: Any = None, ip: str | None = None) -> Any: ...

    def may_issue(self, user: Any, snapshot: Snapshot) -> bool: ...


_GATE: list[Any] = []


def register(gate: Any) -> None:
    """``gate``: an object (a module) with ``visible``, ``draft`` and ``may_issue`` as in :class:`Gate`."""
    _GATE[:] = [gate]


def visible(user: Any, snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """The snapshots the user may read: all of ``snapshots`` unless the gate holds some back."""
    return _GATE[0].visible(user, snapshots) if _GATE else snapshots


def draft(snapshot: Snapshot, *, actor: Any = None, ip: str | None = None) -> None:
    """A newly generated bulletin enters the gate's workflow (nothing without a gate)."""
    if _GATE:
        _GATE[0].draft(snapshot, actor=actor, ip=ip)


def may_issue(user: Any, snapshot: Snapshot) -> bool:
    return bool(_GATE) and _GATE[0].may_issue(user, snapshot)
