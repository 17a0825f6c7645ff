"""Deadlines in working days: Chinese statutory holidays skipped, make-up working days (调休) counted.

chinese_calendar knows the State Council's holiday arrangements year by year (it raises
NotImplementedError for a year it does not know yet; then weekends alone are used, and that is logged).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time

import chinese_calendar

from gonghui.core.models import Setting

log = logging.getLogger("gonghui.joining")

DEFAULT_REVIEW_DAYS = 15
DEFAULT_TRANSFER_DAYS = 10
DUE_SOON_DAYS = 3
REVIEW_KEY = "joining.review_working_days"
TRANSFER_KEY = "joining.transfer_working_days"


# Memoised: chinese_calendar scans its whole holiday table on every call (≈ 50 µs), and a 15-working-day
# deadline asks about twenty days on every public submission. The table only changes with a package upgrade.
# The statutory holidays on fixed solar dates (全国年节及纪念日放假办法, as revised in 2024): 元旦, 劳动节,
# 国庆节. For a year chinese_calendar does not know yet (its table ends with the State Council's latest
# published arrangement), these and the weekends are skipped; the lunar holidays and make-up working
# days are not known until the arrangement is published and the package updated.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@functools.lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("chinese_calendar 不含 %s 年的节假日安排，按周末和固定日期的法定节日计算", day.year)
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (start itself not counted: the day an
    application arrives on is day 0, as the 15-working-day rules are read)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=i)))


SETTING_CACHE_SECONDS = 60
_DAYS: dict[tuple[str, int], tuple[float, int]] = {}


def configured_days(union, key: str, default: int) -> int:
    """The federation's setting: the nearest ancestor of ``union`` (itself included) that has
    ``<key>.<union pk>`` in Setting, else the global ``<key>``, else ``default``.

    Kept in the process for a minute: every public submission asks, the value changes a few times a
    year, and a round trip to a shared cache would cost as much as the query."""
    now = time.monotonic()
    hit = _DAYS.get((key, union.pk))
    if hit is not None and hit[0] > now:
        return hit[1]
    days = _configured_days(union, key, default)
    _DAYS[(key, union.pk)] = (now + SETTING_CACHE_SECONDS, days)
    return days


def clear_cached_days() -> None:
    """Forget this process's cached values (the console changed one; other processes wait out the minute)."""
    _DAYS.clear()


def _configured_days(union, key: str, default: int) -> int:
    chain = [union.pk] + [int(seg) for seg in union.path.strip("/").split("/")[:-1][::-1] if seg]
    keys = [f"{key}.{pk}" for pk in chain]
    found = {row.key: row.value for row in Setting.objects.filter(key__in=[*keys, key])}
    for candidate in [*keys, key]:
        if candidate in found:
            try:
                days = int(found[candidate])
            except (TypeError, ValueError):
                log.warning("设置 %s 的值 %r 不是整数，已忽略", candidate, found[candidate])
                continue
            if days < 1:  # a deadline on or before the day of the request would be overdue at once
                log.warning("设置 %s 的值 %r 小于 1 个工作日，已忽略", candidate, days)
                continue
            return days
    return default


def review_deadline(union, start: dt.date) -> dt.date:
    return add_working_days(start, configured_days(union, REVIEW_KEY, DEFAULT_REVIEW_DAYS))


def transfer_deadline(union, start: dt.date) -> dt.date:
    return add_working_days(start, configured_days(union, TRANSFER_KEY, DEFAULT_TRANSFER_DAYS))


def urgency(deadline: dt.date, today: dt.date | None = None) -> str:
    """'overdue', 'due_soon' (≤ 3 working days left) or ''."""
    today = today or dt.date.today()
    if today > deadline:
        return "overdue"
    if working_days_between(today, deadline) <= DUE_SOON_DAYS:
        return "due_soon"
    return ""
