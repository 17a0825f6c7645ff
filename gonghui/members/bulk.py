"""Bulk writes of members: many people join at once (a ledger import), or many held memberships get their
personal details updated. The members app owns the member and event tables, so it writes them here; the
importer (``gonghui.members.importer``) validates and calls these inside its transaction.

Each new member gets its 入会 event (reason 新入会) in the same transaction, as ``services.join`` writes
one for a single member. On PostgreSQL the rows go through COPY, streamed in batches (PostgreSQL maintains
the indexes of one batch while this process encrypts and formats the next, so the two cores work at once);
elsewhere ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from django.db import connection
from django.utils import timezone

from gonghui.core import crypto, hooks
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.imports.engine import batches, copy_line

from .models import EVENT_DELTA, ChangeReason, EventKind, Member, MembershipEvent, MemberStatus

IMPORT_NOTE = "批量导入"  # the note on the 入会 event of a member created in bulk
# Fields a bulk update may change on an existing membership (besides the phone).
UPDATABLE = ("name", "workplace_id", "employment_status", "is_migrant_worker", "new_form_group_id")
PHONE_FIELDS = ("phone_enc", "phone_hash", "phone_masked")

# The member table's columns a bulk create fills, in the order of ``member_values``.
MEMBER_COLUMNS = (
    "name",
    "id_number_enc",
    "id_hash",
    "id_masked",
    "id_upgraded",
    "birth_date",
    "sex",
    "province_code",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "union_id",
    "workplace_id",
    "join_date",
    "status",
    "employment_status",
    "is_migrant_worker",
    "new_form_group_id",
)


class NewMember(Protocol):
    """One person joining: the values already normalised and validated (``number`` is the 18-digit ID,
    ``id_hash`` its lookup hash, ``union`` the union joined)."""

    name: str
    number: str
    birth_date: dt.date
    sex: str
    upgraded: bool
    id_hash: str
    phone: str
    union: object
    workplace_id: int | None
    join_date: dt.date
    employment_status: str
    is_migrant_worker: bool
    new_form_group_id: int | None


def member_values(row: NewMember) -> tuple:
    phone = row.phone
    return (
        row.name,
        crypto.encrypt(row.number),
        row.id_hash,
        mask_id_number(row.number),
        row.upgraded,
        row.birth_date,
        row.sex,
        row.number[:2],
        crypto.encrypt(phone) if phone else "",
        crypto.lookup_hash("phone", phone) if phone else "",
        mask_phone(phone) if phone else "",
        row.union.pk,
        row.workplace_id,
        row.join_date,
        MemberStatus.ACTIVE.value,
        row.employment_status,
        row.is_migrant_worker,
        row.new_form_group_id,
    )


def create_joined(rows: Sequence[NewMember], actor=None) -> None:
    """Create the members and their 入会 events. Call inside a transaction: a failure part-way leaves
    neither members nor events."""
    if not rows:
        return
    actor = actor if getattr(actor, "pk", None) else None
    if connection.vendor == "postgresql":
        _create_copy(rows, actor)
    else:
        _create_bulk(rows, actor)
    hooks.emit("membership.held", numbers=[row.number for row in rows])


def _create_bulk(rows: Sequence[NewMember], actor) -> None:
    for start in range(0, len(rows), 2000):
        batch = rows[start : start + 2000]
        members = [Member(**dict(zip(MEMBER_COLUMNS, member_values(r), strict=True))) for r in batch]
        Member.objects.bulk_create(members)
        insert_events(
            [
                MembershipEvent(
                    member_id=m.pk,
                    kind=EventKind.JOIN,
                    date=m.join_date,
                    union_id=m.union_id,
                    delta=EVENT_DELTA[EventKind.JOIN],
                    reason=ChangeReason.NEW,
                    note=IMPORT_NOTE,
                    actor=actor,
                )
                for m in members
            ]
        )


def insert_events(events: list[MembershipEvent]) -> None:
    MembershipEvent.objects.bulk_create(events)


def _create_copy(rows: Sequence[NewMember], actor) -> None:
    """COPY straight into the member table, then the 入会 events, with ids taken from the member
    sequence beforehand."""
    member_table = Member._meta.db_table
    with connection.cursor() as cursor:
        # One nextval per row, in one statement: safe beside concurrent inserts (a setval of a
        # range is not), and the ids tie each event to its member without reading them back.
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
            [member_table, len(rows)],
        )
        ids = cursor.fetchone()[0]
        now = timezone.now()
        cols = ", ".join(("id", *MEMBER_COLUMNS, "created_at", "updated_at"))
        with cursor.cursor.copy(f"COPY {member_table} ({cols}) FROM STDIN") as copy:
            stamp = now.isoformat()
            for batch in batches(zip(ids, rows, strict=True), 2000):
                copy.write("".join(copy_line((pk, *member_values(row), stamp, stamp)) for pk, row in batch))
        copy_events(cursor, ids, rows, now, getattr(actor, "pk", None))


def copy_events(cursor, ids: list[int], rows: Sequence[NewMember], now: dt.datetime, actor_id) -> None:
    event_table = MembershipEvent._meta.db_table
    kind, delta, reason = EventKind.JOIN.value, EVENT_DELTA[EventKind.JOIN], ChangeReason.NEW.value
    cols = "member_id, kind, date, union_id, delta, reason, note, actor_id, created_at"
    with cursor.cursor.copy(f"COPY {event_table} ({cols}) FROM STDIN") as copy:
        for batch in batches(zip(ids, rows, strict=True), 5000):
            copy.write(
                "".join(
                    copy_line(
                        (pk, kind, row.join_date, row.union.pk, delta, reason, IMPORT_NOTE, actor_id, now)
                    )
                    for pk, row in batch
                )
            )


def update_details(updates: Sequence[tuple[dict, dict]]) -> None:
    """Write ``changes`` over held memberships: each ``(existing, changes)`` holds the stored values of
    ``pk``, UPDATABLE and PHONE_FIELDS, and the fields to change (``phone`` as typed, sealed here).
    bulk_update writes every listed field of every object: each starts from the stored values."""
    if not updates:
        return
    now = timezone.now()
    objs = []
    for existing, changes in updates:
        member = Member(pk=existing["pk"], updated_at=now)
        for key in (*UPDATABLE, *PHONE_FIELDS):
            setattr(member, key, existing[key])
        for key, value in changes.items():
            if key == "phone":
                member.set_phone(value)
            else:
                setattr(member, key, value)
        objs.append(member)
    Member.objects.bulk_update(objs, [*UPDATABLE, *PHONE_FIELDS, "updated_at"], batch_size=1000)
