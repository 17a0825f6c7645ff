import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .filters import DirectoryEditionFilterSet, DirectoryEntryFilterSet
from .models import DirectoryEdition, DirectoryEntry

router = Router(tags=["名录"])


class EditionOut(Schema):
    id: int
    source_id: int
    as_of: dt.date
    file_name: str
    sha256: str
    scope_id: int
    rows: int
    errors: int
    created: int
    updated: int
    unlisted: int
    matched_code: int
    matched_name: int
    uncertain: int
    new: int
    closed: int


class EntryOut(Schema):
    """No personal data beyond the legal representative's name (the issue's export rule)."""

    id: int
    source_id: int
    uscc: str | None
    name: str
    legal_representative: str
    registration_status: str
    is_closed: bool
    founded_on: dt.date | None
    registered_capital: str
    employees: int | None
    region_id: int
    industry: str
    territory_id: int
    first_edition_id: int | None
    last_edition_id: int | None
    is_listed: bool
    workplace_id: int | None
    match_method: str
    match_confidence: int


@router.get("/directory-editions", response=list[EditionOut], summary="名录版本列表")
@paginate(SeekPagination)
def list_directory_editions(request):
    return filtered(request, DirectoryEditionFilterSet, scoped(request, DirectoryEdition).order_by("id"))


@router.get("/directory-editions/{pk}", response=EditionOut, summary="名录版本详情")
def get_directory_edition(request, pk: int):
    return scoped_get(request, DirectoryEdition, pk)


@router.get("/directory-entries", response=list[EntryOut], summary="名录条目列表")
@paginate(SeekPagination)
def list_directory_entries(request):
    return filtered(request, DirectoryEntryFilterSet, scoped(request, DirectoryEntry).order_by("id"))


@router.get("/directory-entries/{pk}", response=EntryOut, summary="名录条目详情")
def get_directory_entry(request, pk: int):
    return scoped_get(request, DirectoryEntry, pk)
