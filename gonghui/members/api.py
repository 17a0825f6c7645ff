import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core import audit
from gonghui.core.api import AuditedSeekPagination, audit_read, filtered, scoped, scoped_get
from gonghui.core.models import AuditEvent

from .filters import MemberFilterSet
from .models import Member

router = Router(tags=["会员"])


class MemberOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_year: int
    union_id: int
    workplace_id: int | None
    join_date: dt.date
    status: str
    is_migrant_worker: bool
    new_form_group_id: int | None

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_birth_year(obj) -> int:
        # Only the year: the masked ID hides the birth date, which would rebuild it.
        return obj.birth_date.year

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked


class MemberRevealedOut(MemberOut):
    birth_date: dt.date

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_number

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone


@router.get("/members", response=list[MemberOut], summary="会员列表（身份证号、手机号脱敏，只给出生年份）")
@paginate(AuditedSeekPagination)  # names, masked IDs and phones: each page handed out is audited
def list_members(request):
    return filtered(request, MemberFilterSet, scoped(request, Member).order_by("-id"))


@router.get("/members/{pk}", response=MemberOut, summary="会员详情（脱敏）")
def get_member(request, pk: int):
    member = scoped_get(request, Member, pk)
    audit_read(request, Member, 1, member)
    return member


@router.post(
    "/members/{pk}/reveal",
    response=MemberRevealedOut,
    summary="会员详情（完整身份证号、手机号、出生日期；需「查看敏感信息」权限，记录审计日志）",
)
def reveal_member(request, pk: int):
    member = scoped_get(request, Member, pk)
    if not request.user.can_view_sensitive:
        raise HttpError(403, "您没有「查看敏感信息」权限")
    audit.record(request, AuditEvent.Action.REVEAL, member, detail="API：身份证号、手机号、出生日期")
    return member
