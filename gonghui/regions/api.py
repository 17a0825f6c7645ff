from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .filters import RegionFilterSet
from .models import Region

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None


@router.get("/", response=list[RegionOut], summary="行政区划列表")
@paginate(SeekPagination)
def list_regions(request):
    return filtered(request, RegionFilterSet, scoped(request, Region))


@router.get("/{pk}", response=RegionOut, summary="行政区划详情")
def get_region(request, pk: int):
    return scoped_get(request, Region, pk)
