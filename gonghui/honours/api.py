"""API read endpoints of honours, scoped like the pages: the holders (titles) and the selection rounds.
A person's title names a member: their ID and phone are masked as the members API does, and each page of
titles handed out is audited (names of people are personal data). Other parts of the app append here."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import AuditedSeekPagination, SeekPagination, audit_read, filtered, scoped, scoped_get

from .models import Round, Title
from .titles import action_label
from .titles_filters import RoundFilterSet, TitleFilterSet

router = Router(tags=["荣誉"])


class KindOut(Schema):
    id: int
    code: str
    name: str
    category: str
    level: str
    subject: str


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked


class TitleOut(Schema):
    id: int
    kind: KindOut
    subject_kind: str
    subject_name: str
    node_id: int
    union_id: int | None
    workplace_id: int | None
    member: PersonOut | None
    ownership: str
    round_id: int | None
    year: int
    named_on: dt.date
    named_by: str
    document_number: str
    status: str
    status_label: str
    rectify_until: dt.date | None
    next_inspection: dt.date | None
    revoked_on: dt.date | None
    revoked_reason: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class TitleEventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str

    @staticmethod
    def resolve_action_label(obj) -> str:
        return action_label(obj.action)


class TitleDetailOut(TitleOut):
    events: list[TitleEventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class RoundOut(Schema):
    id: int
    kind: KindOut
    issuer_id: int
    year: int
    title: str
    criteria_date: dt.date
    deadline: dt.date
    quota: int | None
    status: str
    notice_start: dt.date | None
    notice_end: dt.date | None
    document_number: str
    named_on: dt.date | None


class QuotaOut(Schema):
    unit_id: int
    quota: int


class RoundDetailOut(RoundOut):
    quotas: list[QuotaOut]
    titles: list[int]

    @staticmethod
    def resolve_quotas(obj) -> list:
        return list(obj.quotas.all())

    @staticmethod
    def resolve_titles(obj, context) -> list[int]:
        # Only the round's titles the caller sees (a county: those in its subtree).
        request = context["request"]
        return list(scoped(request, Title).filter(round=obj).order_by("id").values_list("id", flat=True))


@router.get(
    "/honours/titles",
    response=list[TitleOut],
    summary="荣誉（模范职工之家等）列表（个人荣誉的身份证号、手机号脱敏）",
)
@paginate(AuditedSeekPagination)
def list_titles(request):
    rows = scoped(request, Title).select_related("kind", "member").order_by("id")
    return filtered(request, TitleFilterSet, rows)


@router.get("/honours/titles/{pk}", response=TitleDetailOut, summary="荣誉详情（含办理记录）")
def get_title(request, pk: int):
    title = scoped_get(request, Title, pk)
    if title.member_id:
        audit_read(request, Title, 1, title)
    return title


@router.get("/honours/rounds", response=list[RoundOut], summary="评选列表")
@paginate(SeekPagination)
def list_rounds(request):
    return filtered(request, RoundFilterSet, scoped(request, Round).select_related("kind").order_by("id"))


@router.get("/honours/rounds/{pk}", response=RoundDetailOut, summary="评选详情（名额分配、已命名荣誉）")
def get_round(request, pk: int):
    return scoped_get(request, Round, pk)
