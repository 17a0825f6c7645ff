"""Issue 10 point 3: the members app writes its own tables in bulk (``members.bulk``): new members with
their 入会 events in the caller's transaction (COPY on PostgreSQL, bulk_create elsewhere), and detail
updates of held memberships."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction

from gonghui.core import crypto
from gonghui.members import bulk
from gonghui.members.models import ChangeReason, EventKind, Member, MembershipEvent
from tests.factories import make_id


@dataclass
class Joining:
    name: str
    number: str
    union: object
    phone: str = ""
    birth_date: dt.date = dt.date(1990, 1, 1)
    sex: str = "M"
    upgraded: bool = False
    workplace_id: int | None = None
    join_date: dt.date = dt.date(2023, 5, 1)
    employment_status: str = "employed"
    is_migrant_worker: bool = False
    new_form_group_id: int | None = None

    @property
    def id_hash(self) -> str:
        return crypto.lookup_hash("ric", self.number)


def test_create_joined_writes_members_and_their_join_events(registry):
    union = registry.unions["jiujiang_b"]
    actor = registry.users["jiujiang"]
    rows = [
        Joining("批量甲", make_id(seq=101), union, phone="13812345678"),
        Joining("批量乙", make_id(seq=102), union),
    ]
    with transaction.atomic():
        bulk.create_joined(rows, actor=actor)
    members = {m.name: m for m in Member.objects.filter(name__startswith="批量")}
    assert set(members) == {"批量甲", "批量乙"}
    first = members["批量甲"]
    assert first.id_number == rows[0].number and first.id_masked != rows[0].number
    assert first.phone == "13812345678" and first.union_id == union.pk and first.status == "active"
    events = MembershipEvent.objects.filter(member__in=members.values())
    assert sorted((e.member.name, e.kind, e.reason, e.note, e.actor_id, e.delta) for e in events) == [
        ("批量乙", EventKind.JOIN, ChangeReason.NEW, "批量导入", actor.pk, 1),
        ("批量甲", EventKind.JOIN, ChangeReason.NEW, "批量导入", actor.pk, 1),
    ]


def test_a_failure_while_writing_the_events_leaves_no_member(registry, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("事件写入失败")

    monkeypatch.setattr(bulk, "insert_events", explode)
    monkeypatch.setattr(bulk, "copy_events", explode)
    before = Member.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk.create_joined([Joining("回滚甲", make_id(seq=103), registry.unions["jiujiang_b"])])
    assert Member.objects.count() == before


def test_update_details_changes_only_the_given_fields_and_seals_the_phone(registry):
    union = registry.unions["jiujiang_b"]
    bulk.create_joined([Joining("更新甲", make_id(seq=104), union)])
    member = Member.objects.get(name="更新甲")
    existing = Member.objects.filter(pk=member.pk).values("pk", *bulk.UPDATABLE, *bulk.PHONE_FIELDS).get()
    bulk.update_details([(existing, {"name": "更新乙", "phone": "13900001111"})])
    member.refresh_from_db()
    assert member.name == "更新乙" and member.phone == "13900001111" and member.phone_masked.endswith("1111")
    assert member.union_id == union.pk
