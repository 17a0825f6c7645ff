"""Score sources (数据来源) of automatic items: the one hook other apps plug into.

    from gonghui.evaluation import sources
    sources.register("report_on_time", "半年报告按时报送率", fn, unit="%")

``fn(unit, year)`` returns the unit's value for the year as of its end (``year_end``) — a number, a
:class:`Reading` (a number or None with the reason), or None when it cannot say. A code nobody registered
reads as 「数据来源未接入」 and scores nothing: an item never gets a made-up value.

Within one computation (``evaluation.services``) sources may share work through :func:`memo` (e.g. a
plan's progress computed once for all units).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

NOT_CONNECTED = "数据来源未接入"


@dataclass(frozen=True)
class Reading:
    value: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    fn: Callable[[Any, int], Any]
    unit: str = "%"


_SOURCES: dict[str, Source] = {}
_MEMO: ContextVar[dict | None] = ContextVar("evaluation_source_memo", default=None)


def register(code: str, label: str, fn: Callable[[Any, int], Any], unit: str = "%") -> None:
    """Make ``code`` available to automatic items (registering a code again replaces it)."""
    _SOURCES[code] = Source(code, label, fn, unit)


def get(code: str) -> Source | None:
    return _SOURCES.get(code)


def choices() -> list[tuple[str, str]]:
    return sorted(((s.code, s.label) for s in _SOURCES.values()), key=lambda c: c[0])


def label(code: str) -> str:
    source = _SOURCES.get(code)
    return source.label if source else NOT_CONNECTED


def year_end(year: int) -> dt.date:
    """The day a year's figures are taken as of: 31 December, or today while the year is running."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 2)))


def read(code: str, unit: Any, year: int) -> Reading:
    """The source's reading for the unit and year; unregistered: no value, 「数据来源未接入」."""
    source = _SOURCES.get(code)
    if source is None:
        return Reading(None, NOT_CONNECTED)
    raw = source.fn(unit, year)
    if isinstance(raw, Reading):
        return Reading(_decimal(raw.value), raw.note)
    if raw is None:
        return Reading(None, "无可用数据")
    return Reading(_decimal(raw))


@contextlib.contextmanager
def computing() -> Iterator[None]:
    """A computation in which sources may memoise shared work (``memo``)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    store = _MEMO.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]
