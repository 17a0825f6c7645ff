"""Honour kinds for the titles tests and the sweeps, made directly (codes prefixed ``t-`` so they never
meet the defaults of ``honours.kinds``)."""

from __future__ import annotations

import datetime as dt

from gonghui.honours import titles
from gonghui.honours.models import Category, HonourKind, Level, SubjectKind, Title

KINDS = {
    "t-national-home": dict(
        name="全国模范职工之家",
        category=Category.MODEL_HOME,
        level=Level.NATIONAL,
        subject=SubjectKind.UNION,
        reinspection_years=5,
        shares=[{"code": "private", "label": "民营企业", "min_percent": 50}],
        order=1,
    ),
    "t-city-site": dict(
        name="市级民营企业工会规范化建设示范点",
        category=Category.DEMONSTRATION_SITE,
        level=Level.CITY,
        subject=SubjectKind.WORKPLACE,
        reinspection_years=3,
        order=2,
    ),
    "t-advanced-person": dict(
        name="厂务公开民主管理先进个人",
        category=Category.ADVANCED_PERSON,
        level=Level.PROVINCE,
        subject=SubjectKind.PERSON,
        order=3,
    ),
}


def make_kinds() -> dict[str, HonourKind]:
    return {
        code: HonourKind.objects.get_or_create(code=code, defaults=spec)[0] for code, spec in KINDS.items()
    }


def naming(
    year: int = 2019, day: dt.date | None = None, by: str = "全国总工会", number: str = ""
) -> titles.Naming:
    return titles.Naming(year, day or dt.date(year, 4, 28), by, number)


def register(kind: HonourKind, subject, year: int = 2019, **kwargs) -> Title:
    return titles.register_title(kind, subject, naming(year, number=f"总工发〔{year}〕9号"), **kwargs)
