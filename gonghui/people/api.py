"""Read endpoints of the union-staff register: scoped, IDs and phones masked, birth year only; each
page of personal data handed out is audited (as the member API)."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import AuditedSeekPagination, audit_read, filtered, scoped, scoped_get
from gonghui.orgs.models import UnionOrg

from . import staffing
from .filters import UnionWorkerFilterSet
from .models import UnionWorker

router = Router(tags=["工会工作者"])


class AppraisalOut(Schema):
    year: int
    grade: str
    appraiser_id: int
    note: str

    @staticmethod
    def resolve_grade(obj) -> str:
        return obj.grade.name


class UnionWorkerOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_year: int
    union_id: int
    post: str
    employer: str
    start_date: dt.date
    probation_end: dt.date | None
    grade: str | None
    status: str
    left_on: dt.date | None

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_birth_year(obj) -> int:
        return obj.birth_date.year  # the masked ID hides the birth date: never the full date here

    @staticmethod
    def resolve_post(obj) -> str:
        return obj.post.name

    @staticmethod
    def resolve_grade(obj) -> str | None:
        return obj.grade.name if obj.grade_id else None


class UnionWorkerDetailOut(UnionWorkerOut):
    appraisals: list[AppraisalOut]

    @staticmethod
    def resolve_appraisals(obj) -> list:
        return list(obj.appraisals.select_related("grade"))


class StaffingUnitOut(Schema):
    union_id: int
    union_name: str
    rule: str
    enterprises: int
    workers: int
    cadres: int
    needs: bool


class StaffingOut(Schema):
    union_id: int
    as_of: dt.date
    needing: int
    covered: int
    lacking: list[StaffingUnitOut]


@router.get("/union-workers", response=list[UnionWorkerOut], summary="工会工作者名册（身份证号、手机号脱敏）")
@paginate(AuditedSeekPagination)
def list_union_workers(request):
    rows = scoped(request, UnionWorker).select_related("post", "grade").order_by("-id")
    return filtered(request, UnionWorkerFilterSet, rows)


@router.get(
    "/union-workers/{pk}", response=UnionWorkerDetailOut, summary="工会工作者详情（脱敏，含年度考核）"
)
def get_union_worker(request, pk: int):
    worker = scoped_get(request, UnionWorker, pk)
    audit_read(request, UnionWorker, 1, worker)
    return worker


@router.get("/unions/{pk}/staffing", response=StaffingOut, summary="专职工会干部配备情况（应配未配单位）")
def get_union_staffing(request, pk: int, as_of: dt.date | None = None):
    union = scoped_get(request, UnionOrg, pk)
    day = as_of or timezone.localdate()
    result = staffing.compute(union, day)
    return {
        "union_id": union.pk,
        "as_of": day,
        "needing": result.needing_count,
        "covered": result.covered_count,
        "lacking": [
            {
                "union_id": u.union.pk,
                "union_name": u.union.name,
                "rule": u.rule,
                "enterprises": u.enterprises,
                "workers": u.workers,
                "cadres": u.cadres,
                "needs": u.needs,
            }
            for u in result.lacking
        ],
    }
