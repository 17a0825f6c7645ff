import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .filters import UnionOrgFilterSet, WorkplaceFilterSet
from .models import UnionOrg, Workplace
from .stats import SubtreeCounts, subtree_counts

router = Router(tags=["单位与工会组织"])


class WorkplaceOut(Schema):
    id: int
    name: str
    uscc: str | None
    ownership: str
    industry: str
    employee_count: int
    region_id: int
    governing_union_id: int
    has_workers_congress: bool
    has_open_affairs: bool
    has_employee_director: bool
    has_employee_supervisor: bool


class UnionOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    region_id: int
    founded_on: dt.date | None
    term_start: dt.date | None
    term_years: int | None
    election_due: dt.date | None
    has_audit_committee: bool
    has_women_committee: bool
    status: str


class CountsOut(Schema):
    unions: int
    grassroots_unions: int
    workplaces: int
    covered_workplaces: int
    members: int
    migrant_members: int
    new_form_members: int


@router.get("/workplaces", response=list[WorkplaceOut], summary="单位列表")
@paginate(SeekPagination)
def list_workplaces(request):
    return filtered(request, WorkplaceFilterSet, scoped(request, Workplace).order_by("id"))


@router.get("/workplaces/{pk}", response=WorkplaceOut, summary="单位详情")
def get_workplace(request, pk: int):
    return scoped_get(request, Workplace, pk)


@router.get("/unions", response=list[UnionOut], summary="工会组织列表")
@paginate(SeekPagination)
def list_unions(request):
    return filtered(request, UnionOrgFilterSet, scoped(request, UnionOrg))


@router.get("/unions/{pk}", response=UnionOut, summary="工会组织详情")
def get_union(request, pk: int):
    return scoped_get(request, UnionOrg, pk)


@router.get("/unions/{pk}/counts", response=CountsOut, summary="工会组织（含下级）统计")
def get_union_counts(request, pk: int) -> SubtreeCounts:
    return subtree_counts(scoped_get(request, UnionOrg, pk))
