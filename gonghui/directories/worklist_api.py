"""API read endpoints of the unorganised list: the items of the caller's scope (the list page's filters
as query parameters) and one item."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .models import ListItem
from .worklist_filters import ListItemFilterSet

router = Router(tags=["未建会清单"])


class ListItemOut(Schema):
    id: int
    entry_id: int
    name: str
    uscc: str | None
    legal_representative: str
    employees: int | None
    industry: str
    source: str
    region_id: int
    workplace_id: int | None
    territory_id: int
    status: str
    claimed_by_id: int | None
    claimed_at: dt.datetime | None
    due_on: dt.date | None
    outcome: str
    ineligible_reason: str
    founded_union_id: int | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj):
        return obj.entry.name

    @staticmethod
    def resolve_uscc(obj):
        return obj.entry.uscc

    @staticmethod
    def resolve_legal_representative(obj):
        return obj.entry.legal_representative

    @staticmethod
    def resolve_employees(obj):
        return obj.entry.employees

    @staticmethod
    def resolve_industry(obj):
        return obj.entry.industry

    @staticmethod
    def resolve_source(obj):
        return obj.entry.source.name

    @staticmethod
    def resolve_region_id(obj):
        return obj.entry.region_id

    @staticmethod
    def resolve_workplace_id(obj):
        return obj.entry.workplace_id


@router.get("/worklist/items", response=list[ListItemOut], summary="未建会清单")
@paginate(SeekPagination)
def list_worklist_items(request):
    items = scoped(request, ListItem).select_related("entry__source").order_by("id")
    return filtered(request, ListItemFilterSet, items)


@router.get("/worklist/items/{pk}", response=ListItemOut, summary="清单项详情")
def get_worklist_item(request, pk: int):
    return scoped_get(request, ListItem, pk)
