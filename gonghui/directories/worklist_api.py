"""API read endpoints of the unorganised list: the items of the caller's scope (the list page's filters
as query parameters) and one item."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .models import ListItem
from .worklist_filters import ListItemFilterSet

router = Router(tags=["未建会清单"])


class ListItemOut(Schema):
    # The registrant's data lives on the entry: dotted aliases read it (ninja's DjangoGetter).
    id: int
    entry_id: int
    name: str = Field(alias="entry.name")
    uscc: str | None = Field(alias="entry.uscc")
    legal_representative: str = Field(alias="entry.legal_representative")
    employees: int | None = Field(alias="entry.employees")
    industry: str = Field(alias="entry.industry")
    source: str = Field(alias="entry.source.name")
    region_id: int = Field(alias="entry.region_id")
    workplace_id: int | None = Field(alias="entry.workplace_id")
    territory_id: int
    status: str
    claimed_by_id: int | None
    claimed_at: dt.datetime | None
    due_on: dt.date | None
    outcome: str
    ineligible_reason: str
    founded_union_id: int | None
    closed_at: dt.datetime | None


@router.get("/worklist/items", response=list[ListItemOut], summary="未建会清单")
@paginate(SeekPagination)
def list_worklist_items(request):
    items = scoped(request, ListItem).select_related("entry__source").order_by("id")
    return filtered(request, ListItemFilterSet, items)


@router.get("/worklist/items/{pk}", response=ListItemOut, summary="清单项详情")
def get_worklist_item(request, pk: int):
    return scoped_get(request, ListItem, pk)
