"""Writing the audit log: one row per event.

State changes are audited by the service that makes them (``log``, inside the service's transaction, with
the actor and the client address handed in as plain values), so a page, the API, a command and a task
write the same row. Views call ``record`` only for what happens in the view itself: revealing personal
data, downloads, sensitive exports, log-ins.

Every new row is chained by ``AuditEvent.save`` (``core.hashchain``): ``hash`` = SHA-256 over the previous
row's hash and this row's canonical content. On PostgreSQL a transaction-level advisory lock serialises
the writers, so two concurrent inserts cannot both take the same previous hash (on SQLite a write already
locks the database). The lock is held until the surrounding transaction ends: audit rows of concurrent
transactions queue behind each other. The table refuses UPDATE and DELETE on PostgreSQL (migration 0004); ``verify_audit_chain``
walks the chain, ``archive_audit_log`` moves rows older than ``AUDIT_RETENTION_DAYS`` to a signed file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .hashchain import chain_hash
from .models import AuditEvent, chain_start
from .net import client_ip

# The session setting the PostgreSQL trigger checks before it lets a row be deleted (archiving only).
ARCHIVE_FLAG = "gonghui.audit_archive"


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    detail: str = "",
    user=None,
) -> AuditEvent:
    """An event seen by a view: the actor and the address come from the request."""
    user = user or (request.user if request is not None and request.user.is_authenticated else None)
    return log(action, obj, actor=user, ip=client_ip(request), detail=detail)


def log(
    action: str,
    obj: models.Model | None = None,
    *,
    actor=None,
    ip: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """An event written by a service: ``actor`` is the user (None for the system: a command, a task),
    ``ip`` the client's address when a page or the API asked (``core.net.client_ip``)."""
    user = actor if getattr(actor, "pk", None) is not None else None
    event = AuditEvent(
        user=user,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        ip=ip,
        detail=detail,
    )
    event.save()
    return event


@contextlib.contextmanager
def archive_session():
    """A transaction in which the PostgreSQL trigger lets audit rows be deleted (``archive_audit_log``)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [ARCHIVE_FLAG])
        yield


@dataclass
class ChainBreak:
    position: int  # 1-based, in the walk
    event: AuditEvent
    reason: str

    def message(self) -> str:
        e = self.event
        when = timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")
        return f"审计日志链在第 {self.position} 条（编号 {e.pk}，{when}，{e.username or '系统'}）处断开：{self.reason}"


def walk(events: Iterable, prev_hash: str) -> Iterator[ChainBreak]:
    """Check each row's link to the previous one and its own hash; yield the breaks in order."""
    for position, event in enumerate(events, start=1):
        if event.prev_hash != prev_hash:
            yield ChainBreak(
                position, event, "记录的“前一条哈希”与上一条的哈希不符，上一条之后有记录被删除或插入"
            )
        elif event.hash != chain_hash(event.prev_hash, event):
            yield ChainBreak(position, event, "记录内容与其哈希不符，该条记录被改动过")
        prev_hash = event.hash


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the table from the newest archive's last hash: (rows checked, first break or None)."""
    checked = 0

    def rows():
        nonlocal checked
        for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
            checked += 1
            yield event

    brk = next(walk(rows(), chain_start()), None)
    return checked, brk
