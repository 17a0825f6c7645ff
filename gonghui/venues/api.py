"""API read endpoints of 服务阵地, scoped like the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .filters import VenueFilterSet
from .models import Venue

router = Router(tags=["服务阵地"])


class InspectionOut(Schema):
    id: int
    inspected_on: dt.date
    inspector: str
    passed: bool
    unmet: list[str]

    @staticmethod
    def resolve_unmet(obj) -> list[str]:
        return [r.item.name for r in obj.results.all() if not r.met]


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    operator_id: int
    region_code: str
    region: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    opening_hours: str
    stars: int | None
    status: str
    status_label: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    compliant: bool | None
    last_inspected_on: dt.date | None

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class VenueDetailOut(VenueOut):
    inspections: list[InspectionOut]

    @staticmethod
    def resolve_inspections(obj) -> list:
        return list(obj.inspections.prefetch_related("results__item"))


@router.get("/venues", response=list[VenueOut], summary="服务阵地")
@paginate(SeekPagination)
def list_venues(request):
    venues = scoped(request, Venue).select_related("kind", "region").order_by("id")
    return filtered(request, VenueFilterSet, venues)


@router.get("/venues/{pk}", response=VenueDetailOut, summary="服务阵地详情（含检查记录）")
def get_venue(request, pk: int):
    return scoped_get(request, Venue, pk)
