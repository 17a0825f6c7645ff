"""Report periods and due dates.

A period is identified by its first day. Weeks run Monday to Sunday; the statistical year (统计年度)
runs from 10-01 to the next 09-30 and is named by the year it ends in. Due dates count working days
after the period's end with joining's calendar (``joining.workdays``: statutory holidays skipped,
make-up working days counted), the same rule the joining deadlines use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from gonghui.joining.workdays import add_working_days


class PeriodKind(models.TextChoices):
    WEEK = "week", "周"
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    HALF_YEAR = "half_year", "半年"
    YEAR = "year", "年"
    STAT_YEAR = "stat_year", "统计年度（10月1日至次年9月30日）"


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    @property
    def short_label(self) -> str:
        return short_label(self.kind, self.start)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def containing(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == PeriodKind.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == PeriodKind.MONTH:
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month))
    if kind == PeriodKind.QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        return Period(kind, dt.date(day.year, first, 1), _month_end(day.year, first + 2))
    if kind == PeriodKind.HALF_YEAR:
        first = 1 if day.month <= 6 else 7
        return Period(kind, dt.date(day.year, first, 1), _month_end(day.year, first + 5))
    if kind == PeriodKind.YEAR:
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    if kind == PeriodKind.STAT_YEAR:
        end_year = day.year + 1 if day.month >= 10 else day.year
        return Period(kind, dt.date(end_year - 1, 10, 1), dt.date(end_year, 9, 30))
    raise ValueError(f"未知的报告周期：{kind}")


def starting(kind: str, start: dt.date) -> Period:
    """The period that begins on ``start``; ValueError when no period of ``kind`` begins that day."""
    period = containing(kind, start)
    if period.start != start:
        raise ValueError("该日期不是报告周期的第一天")
    return period


def following(period: Period) -> Period:
    return containing(period.kind, period.end + dt.timedelta(days=1))


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of ``kind`` that overlaps ``first`` … ``last``, in order."""
    out = []
    period = containing(kind, first)
    while period.start <= last:
        out.append(period)
        period = following(period)
    return out


def periods_of_year(kind: str, year: int) -> list[Period]:
    """The periods a calendar of ``year`` shows: those ending in the year (the statistical year ending
    on 09-30 of ``year``)."""
    if kind == PeriodKind.STAT_YEAR:
        return [containing(kind, dt.date(year, 9, 30))]
    return [
        p for p in periods_between(kind, dt.date(year, 1, 1), dt.date(year, 12, 31)) if p.end.year == year
    ]


def due_date(period_end: dt.date, working_days: int) -> dt.date:
    """The last day to submit: ``working_days`` working days after the period's end."""
    return add_working_days(period_end, working_days)


def period_label(kind: str, start: dt.date) -> str:
    if kind == PeriodKind.WEEK:
        iso = start.isocalendar()
        return f"{iso.year}年第{iso.week}周"
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"
    if kind == PeriodKind.HALF_YEAR:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    if kind == PeriodKind.YEAR:
        return f"{start.year}年度"
    return f"{start.year + 1}统计年度"


def short_label(kind: str, start: dt.date) -> str:
    """A column header of the matrix."""
    if kind == PeriodKind.WEEK:
        return f"第{start.isocalendar().week}周"
    if kind == PeriodKind.MONTH:
        return f"{start.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{(start.month - 1) // 3 + 1}季度"
    if kind == PeriodKind.HALF_YEAR:
        return "上半年" if start.month <= 6 else "下半年"
    return period_label(kind, start)
