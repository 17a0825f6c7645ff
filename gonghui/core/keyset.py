"""Keyset (seek) pagination for list pages of millions of rows.

``LIMIT 50 OFFSET 1,000,000`` makes the database read and throw away a million rows; a deep page of the
member list took seconds at 10 M members. Here the first few pages keep their numbers (an OFFSET of a
few hundred rows is cheap) and beyond them the page carries a cursor: the order values of the row it
starts after (``?after=…``, 「下一页」) or before (``?before=…``, 「上一页」), and the query becomes
``WHERE (join_date, id) < (%s, %s) ORDER BY join_date DESC, id DESC LIMIT 51`` — an index range scan that
costs the same on page 3 and on page 200,000.

The order ends with the primary key, so that rows with the same join date (thousands a day) have one
stable order and the cursor names exactly one position. Rows inserted between two requests are then
never repeated or skipped: the next page starts strictly after the last row shown.

A cursor is signed (``django.core.signing``) with the order it belongs to: opaque to the user, and a
tampered, truncated or foreign one is a 400 with a Chinese message (``ParamError``), never a 500.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import HttpRequest

from .params import MAX_ID, ParamError, page_param

NUMBERED_PAGES = 5  # pages 1…5 by number (OFFSET ≤ 200 rows); beyond, by cursor
LINK_PARAMS = ("page", "after", "before")  # replaced in links; every other parameter (filters) is kept
BAD_CURSOR = "翻页参数无效或已过期，请回到第一页重新浏览"


def _column(name: str) -> str:
    return name.lstrip("-")


def check_order(order: tuple[str, ...]) -> None:
    """A keyset order: every field in one direction (a row comparison ``(a, b) < (x, y)`` can only
    express that, and a single B-tree index scanned one way serves it), ending with the primary key."""
    if not order or _column(order[-1]) not in ("pk", "id"):
        raise ImproperlyConfigured(f"keyset_order 须以主键结尾（保证排序唯一）：{order!r}")
    if len({name.startswith("-") for name in order}) != 1:
        raise ImproperlyConfigured(f"keyset_order 的各字段须同一方向：{order!r}")


def _model_field(model: type[Model], name: str):
    name = _column(name)
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _to_json(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _salt(model: type[Model], order: tuple[str, ...]) -> str:
    return f"gonghui.core.keyset:{model._meta.label}:{','.join(order)}"


def encode(row: Model, order: tuple[str, ...], number: int) -> str:
    """The cursor of ``row`` (the order values), with the number of the page it is on: the next page
    shows its number while it is a small one (a hint: rows inserted since may have shifted it)."""
    values = [_to_json(getattr(row, "pk" if _column(n) == "pk" else _column(n))) for n in order]
    return signing.dumps([*values, number], salt=_salt(type(row), order), compress=False)


def decode(raw: str, model: type[Model], order: tuple[str, ...]) -> tuple[list[Any], int]:
    """The order values a cursor names, typed, and its page number; ``ParamError`` (400) when it is not
    one of ours (tampered, cut short, another list's)."""
    try:
        payload = signing.loads(raw, salt=_salt(model, order))
    except (signing.BadSignature, ValueError, TypeError):
        raise ParamError(BAD_CURSOR) from None
    if not isinstance(payload, list) or len(payload) != len(order) + 1 or None in payload:
        raise ParamError(BAD_CURSOR)
    *values, number = payload
    if not isinstance(number, int) or number < 1:
        raise ParamError(BAD_CURSOR)
    try:
        typed = [
            _model_field(model, name).to_python(value) for name, value in zip(order, values, strict=True)
        ]
    except (ValidationError, ValueError, TypeError):
        raise ParamError(BAD_CURSOR) from None
    # Signed by us, so from a real row; still, nothing past a bigint reaches the SQL (a 500 there).
    if any(isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in typed) or number > MAX_ID:
        raise ParamError(BAD_CURSOR)
    return typed, number


def _flipped(order: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)


def _made_for(raw: str, model: type[Model], order: tuple[str, ...]) -> bool:
    try:
        signing.loads(raw, salt=_salt(model, order))
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return True


@dataclass
class KeysetPage:
    """One page: its rows and the links around it (query strings, ``?…``)."""

    rows: list
    number: int  # the page's number (exact for ?page=, counted along the walk for a cursor)
    page_links: list[tuple[int, str]] = field(default_factory=list)  # the numbered pages
    previous_url: str = ""
    next_url: str = ""

    @property
    def beyond_numbers(self) -> bool:
        return self.number > len(self.page_links)


def _link(request: HttpRequest, **param: str | int) -> str:
    query = request.GET.copy()
    for name in LINK_PARAMS:
        query.pop(name, None)
    for name, value in param.items():
        query[name] = str(value)
    return "?" + query.urlencode()


def _rows(queryset: QuerySet, start: int, stop: int) -> list:
    """Rows ``start:stop`` of an ordered queryset in two steps: their primary keys, then those rows.

    The keys alone can come from an index holding the filter and the order (a county's members by
    ``(union, join_date, id)``: index-only, no table access), where the rows themselves would be read from
    the table for every member of the subtree before the sort — 97,000 random reads for a county at 10 M.
    The rows are then 50 lookups by primary key."""
    pks = list(queryset.values_list("pk", flat=True)[start:stop])
    if not pks:
        return []
    found = queryset.order_by().filter(pk__in=pks).in_bulk()
    return [found[pk] for pk in pks if pk in found]


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    order: tuple[str, ...],
    per_page: int,
    numbered: int = NUMBERED_PAGES,
) -> KeysetPage:
    """The page the request asks for: ``?page=`` (1…``numbered``, by OFFSET) or ``?after=`` /
    ``?before=`` (by cursor). 上一页 / 下一页 always carry a cursor, from page 1 on, so that a user who
    walks the list never sees a row twice or misses one while others join; the numbers are jumps."""
    check_order(order)
    model = queryset.model
    descending = order[0].startswith("-")
    columns = Tuple(*(F(_column(n)) for n in order))
    after, before = request.GET.get("after"), request.GET.get("before")
    ordered = queryset.order_by(*order)
    page_links = [(n, _link(request, page=n)) for n in range(1, numbered + 1)]

    if (after or before) and _made_for(after or before or "", model, _flipped(order)):
        # A click on the order column's header on a cursor page: the same list the other way round, and
        # the cursor of the old direction means nothing there — start again from page 1.
        after = before = None
    if after or before:
        if after and before:
            raise ParamError("翻页参数 after 与 before 不能同时出现")
        values, number = decode(after or before or "", model, order)
        forward = bool(after)
        number = number + 1 if forward else max(1, number - 1)
        # Forward in a descending order means "smaller than the cursor"; backward, the reverse order.
        lookup = TupleLessThan if forward == descending else TupleGreaterThan
        seek = ordered.filter(lookup(columns, values))
        if not forward:
            seek = seek.reverse()
        rows = _rows(seek, 0, per_page + 1)
        more = len(rows) > per_page
        rows = rows[:per_page]
        if not forward:
            rows.reverse()
        has_next, has_previous = (more, True) if forward else (True, more)
    else:
        # An old link to page 300 (from before keyset) shows the last numbered page; it leads on by cursor.
        number = min(page_param(request), numbered)
        offset = (number - 1) * per_page
        rows = _rows(ordered, offset, offset + per_page + 1)
        has_next, has_previous = len(rows) > per_page, number > 1
        rows = rows[:per_page]
        if not has_next:  # numbered pages past the end of a short list are not offered
            page_links = page_links[:number]
    page = KeysetPage(rows=rows, number=number, page_links=page_links)
    if rows and has_next:
        page.next_url = _link(request, after=encode(rows[-1], order, number))
    if rows and has_previous:
        page.previous_url = _link(request, before=encode(rows[0], order, number))
    return page
