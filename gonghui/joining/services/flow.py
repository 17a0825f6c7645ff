"""What every joining action shares: the refusal, the labels of those who act without an account, and
the one transition every decision on an application or a transfer goes through.

A transition is ``flow.lock(...)`` then ``flow.move(...)``, inside the action's transaction:

1. ``lock``: the row ``SELECT … FOR UPDATE`` (with what the messages and the notice need), refused
   unless its status is one an action may start from, then refused unless ``may(actor, row)``;
2. the action's own work (a member record, a corrected category, the membership transfer …), which
   may still refuse: nothing has been written by the flow yet;
3. ``move``: the new status and the action's fields saved, the event row, the audit row when asked,
   and the notice to the applicant or member in the outbox, delivered after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent, PersonalData

from .. import notify

APPLICANT = "申请人"
SYSTEM = "系统"


class JoiningError(Exception):
    """An operation the rules refuse; ``str(exc)`` is the Chinese reason shown to the user."""


def today() -> dt.date:
    return timezone.localdate()


Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Flow(Generic[Row]):
    """How one status-bearing model (an application, a transfer) moves from status to status."""

    model: type[Row]
    related: tuple[str, ...]  # select_related for the checks, the messages and the notice
    pending: tuple[str, ...]  # the statuses an action may start from
    event: type[models.Model]  # a StatusEvent
    subject: str  # the event's (and the notification's) foreign key to the row
    called: Callable[[Row], str]  # the row in a message: 「申请 RH… 」, 「该转接申请」
    recipient: Callable[[Row], PersonalData]  # whose phone a notice goes to
    notice: Callable[[Row, str], str]  # the notice's text around the verdict
    event_fields: Callable[[Row], dict[str, Any]] = lambda row: {}  # what each event also records

    def lock(self, row, actor=None, *, may=None, denied: str | Callable = "", verb: str = "再办理"):
        """The row locked for this transaction, or ``JoiningError`` when it is closed or ``may``
        refuses (``denied``: the reason, or a function of the locked row giving it)."""
        locked: Any = (
            self.model._default_manager.select_for_update().select_related(*self.related).get(pk=row.pk)
        )
        if locked.status not in self.pending:
            raise JoiningError(f"{self.called(locked)}{locked.get_status_display()}，不能{verb}")
        if may is not None and not may(actor, locked):
            raise JoiningError(denied(locked) if callable(denied) else denied)
        return locked

    def record(self, row, from_status: str, actor=None, note: str = "", label: str = "", **extra):
        """The event row of a change to ``row.status`` (an actor, else ``label``, else 系统)."""
        return self.event._default_manager.create(
            **{self.subject: row},
            actor=actor,
            actor_label=label or (SYSTEM if actor is None else ""),
            from_status=from_status,
            to_status=row.status,
            note=note[:255],
            **self.event_fields(row),
            **extra,
        )

    def move(
        self,
        locked,
        status: str,
        actor=None,
        *,
        note: str,
        label: str = "",
        also: tuple[str, ...] = (),
        event: dict | None = None,
        audit_detail: str = "",
        ip: str | None = None,
        tell: str = "",
        **changes,
    ):
        """Set ``status`` and ``changes`` on the locked row and save them (with the fields in ``also``
        the action changed itself), write the event row (``event``: its extra fields), the audit row
        when ``audit_detail`` is given (``ip``: the client's address when a page asked), and queue ``tell`` to the recipient when they left a phone."""
        previous = locked.status
        locked.status = status
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *changes, *also, "updated_at"])
        self.record(locked, previous, actor, note, label, **(event or {}))
        if audit_detail:
            audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=audit_detail)
        person = self.recipient(locked)
        if tell and person.phone_enc:
            notify.queue(person.phone, self.notice(locked, tell), **{self.subject: locked})
        return locked
