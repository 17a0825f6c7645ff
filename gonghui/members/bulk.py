"""Bulk writes of members: many people join at once (a ledger import), or many held memberships get their
personal details updated. The members app owns the member and event tables, so it writes them here; the
importer (``gonghui.members.importer``) validates and calls these inside its transaction.

Each new member gets its 入会 event (reason 新入会) in the same transaction, as ``services.join`` writes
one for a single member. On PostgreSQL the rows go through COPY, elsewhere ``bulk_create``. The overlapped
member import (``members.importer``) splits the COPY path in two: ``copy_texts`` (encrypt, mask, format:
the client's share, in its validating thread, with ids from ``reserve_ids``) and ``write_copied`` (the COPY
itself, in the thread that holds the transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from django.db import connection
from django.utils import timezone

from gonghui.core import crypto, hooks
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.imports.engine import copy_line, copy_value

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
    with connection.cursor() as cursor:
        ids = reserve_ids(cursor, len(rows))
        now = timezone.now()
        for start in range(0, len(rows), 5000):
            members, events = copy_texts(ids[start : start + 5000], rows[start : start + 5000], now, actor)
            copy_members(cursor, members)
            copy_events(cursor, events)


def reserve_ids(cursor, count: int) -> list[int]:
    """``count`` member ids from the member sequence. One nextval per row, in one statement: safe beside
    concurrent inserts (a setval of a range is not), and the ids tie each event to its member without
    reading them back. Sequences are not transactional, so the ids may come from another connection than
    the one that writes the rows (the overlapped import's validating thread)."""
    cursor.execute(
        "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
        [Member._meta.db_table, count],
    )
    return cursor.fetchone()[0]


def copy_texts(ids: Sequence[int], rows: Sequence[NewMember], now: dt.datetime, actor) -> tuple[str, str]:
    """The COPY text of the members and of their 入会 events: the client's whole share of the write
    (encryption, masking, formatting), so that it can be done while the server ingests the previous
    batch."""
    # What every row of the batch shares is formatted once: per value formatting is most of this work.
    stamp = now.isoformat()
    member_tail = f"\t{stamp}\t{stamp}\n"
    members = "".join(
        "\t".join((str(pk), *map(copy_value, member_values(row)))) + member_tail
        for pk, row in zip(ids, rows, strict=True)
    )
    kind = EventKind.JOIN.value
    event_tail = copy_line(
        (EVENT_DELTA[EventKind.JOIN], ChangeReason.NEW.value, IMPORT_NOTE, getattr(actor, "pk", None), stamp)
    )
    # member_id, kind, date, union_id (ints and a date: nothing to escape), then the shared tail
    events = "".join(
        f"{pk}\t{kind}\t{row.join_date.isoformat()}\t{row.union.pk}\t{event_tail}"
        for pk, row in zip(ids, rows, strict=True)
    )
    return members, events


_MEMBER_COPY_COLUMNS = ", ".join(("id", *MEMBER_COLUMNS, "created_at", "updated_at"))
_EVENT_COPY_COLUMNS = "member_id, kind, date, union_id, delta, reason, note, actor_id, created_at"


def _copy(cursor, table: str, columns: str, text: str) -> None:
    raw = getattr(cursor, "cursor", cursor)  # a Django cursor, or psycopg's own
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def copy_members(cursor, text: str) -> None:
    """COPY member rows made by ``copy_texts``."""
    _copy(cursor, Member._meta.db_table, _MEMBER_COPY_COLUMNS, text)


def copy_events(cursor, text: str) -> None:
    """COPY the 入会 event rows made by ``copy_texts``."""
    _copy(cursor, MembershipEvent._meta.db_table, _EVENT_COPY_COLUMNS, text)


def write_copied(members: str, events: str, numbers: Sequence[str]) -> None:
    """Write a batch made by ``copy_texts`` (inside the caller's transaction) and tell the listeners."""
    with connection.cursor() as cursor:
        copy_members(cursor, members)
        copy_events(cursor, events)
    hooks.emit("membership.held", numbers=list(numbers))


def retract(member_ids: Sequence[int], numbers: Sequence[str]) -> None:
    """Take back members created earlier in the same transaction (the overlapped import found, in a later
    batch, that they share an ID with another row of the file), with their events."""
    if not member_ids:
        return
    MembershipEvent.objects.filter(member_id__in=member_ids).delete()
    Member.objects.filter(pk__in=member_ids).delete()
    hooks.emit("membership.ended", numbers=list(numbers))


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
