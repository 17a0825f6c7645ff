"""The default honour kinds, as data: ``ensure_honour_kinds()`` creates the ones missing (by code) and
leaves existing rows alone, so an administrator's edits of a kind's criteria or quota survive a rerun
(the demo, a migration of the reference data, the tests all call it).

Which union may issue a round of a kind: its level's union (``ISSUER_KINDS``); 全国 kinds are named by
全国总工会, which is not in the registry — their titles are registered from the naming documents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonghui.orgs.models import Ownership, UnionKind, UnionOrg

from .models import Category, HonourKind, Level, SubjectKind

# A share of a level's forwarded nominations: its code names the ownerships it counts.
SHARE_OWNERSHIPS: dict[str, tuple[str, ...]] = {
    "private": (Ownership.PRIVATE,),
    "non_public": (Ownership.PRIVATE, Ownership.FOREIGN),
}
PRIVATE_SHARE = {"code": "private", "label": "民营企业", "min_percent": 50}

ISSUER_KINDS: dict[str, tuple[str, ...]] = {
    Level.NATIONAL: (),
    Level.PROVINCE: (UnionKind.PROVINCE,),
    Level.CITY: (UnionKind.CITY,),
    Level.COUNTY: (UnionKind.COUNTY, UnionKind.ZONE),
}


def may_issue(level: str, issuer: UnionOrg) -> bool:
    return issuer.kind in ISSUER_KINDS.get(level, ())


def share_ownerships(code: str) -> tuple[str, ...]:
    return SHARE_OWNERSHIPS.get(code, (code,))


def _auto(code: str, label: str, **params) -> dict:
    return {"code": code, "label": label, "source": "auto", "params": params}


def _evidence(code: str, label: str) -> dict:
    return {"code": code, "label": label, "source": "evidence", "params": {}}


def _home_criteria(min_rate: int) -> list[dict]:
    """模范职工之家: the 建家 standard's items the registry can check, and those judged from the files."""
    return [
        _auto("join_rate", f"会员入会率不低于{min_rate}%", min=min_rate),
        _auto("workers_congress", "建立并坚持职工代表大会制度"),
        _auto("open_affairs", "实行厂务公开"),
        _auto("election_not_overdue", "按期换届"),
        _auto("no_open_problem", "无未销号的督导问题"),
        _evidence("home_activities", "职工之家阵地建设和活动开展情况"),
        _evidence("funds", "工会经费按时足额拨缴"),
    ]


def _worker_criteria() -> list[dict]:
    return [
        _auto("member_in_good_standing", "会籍有效"),
        _evidence("deeds", "先进事迹材料"),
        _evidence("opinion", "所在单位党组织意见"),
    ]


DEFAULT_KINDS: list[dict] = [
    {
        "code": "national-model-home",
        "name": "全国模范职工之家",
        "category": Category.MODEL_HOME,
        "level": Level.NATIONAL,
        "subject": SubjectKind.UNION,
        "criteria": _home_criteria(95),
        "reinspection_years": 5,
        "description": "由全国总工会命名；省总工会组织推荐并按规定复查（回头看）。",
        "order": 10,
    },
    {
        "code": "province-model-home",
        "name": "安徽省模范职工之家",
        "category": Category.MODEL_HOME,
        "level": Level.PROVINCE,
        "subject": SubjectKind.UNION,
        "criteria": _home_criteria(90),
        "reinspection_years": 5,
        "order": 20,
    },
    {
        "code": "city-model-home",
        "name": "市级模范职工之家",
        "category": Category.MODEL_HOME,
        "level": Level.CITY,
        "subject": SubjectKind.UNION,
        "criteria": _home_criteria(90),
        "shares": [PRIVATE_SHARE],
        "reinspection_years": 5,
        "order": 30,
    },
    {
        "code": "county-model-small-home",
        "name": "模范职工小家",
        "category": Category.MODEL_SMALL_HOME,
        "level": Level.COUNTY,
        "subject": SubjectKind.UNION,
        "criteria": [
            _auto("join_rate", "会员入会率不低于90%", min=90),
            _auto("no_open_problem", "无未销号的督导问题"),
            _evidence("home_activities", "班组（车间）职工小家建设和活动开展情况"),
        ],
        "reinspection_years": 3,
        "order": 40,
    },
    {
        "code": "province-private-demo-site",
        "name": "安徽省民营企业工会规范化建设示范点",
        "category": Category.DEMONSTRATION_SITE,
        "level": Level.PROVINCE,
        "subject": SubjectKind.WORKPLACE,
        "criteria": [
            _auto("join_rate", "职工入会率不低于90%", min=90),
            _auto("workers_congress", "建立职工代表大会制度"),
            _auto("open_affairs", "实行厂务公开"),
            _auto("election_not_overdue", "工会按期换届"),
            _evidence("standard", "工会规范化建设达标材料（组织健全、制度完善、经费保障）"),
        ],
        "quota_per_year": 50,
        "shares": [PRIVATE_SHARE],
        "reinspection_years": 3,
        "grant_amount": Decimal("10000.00"),
        "description": "各市培育、省总工会确认，每个示范点补助 1 万元。",
        "order": 50,
    },
    {
        "code": "city-demo-unit",
        "name": "市级民营企业工会规范化建设示范单位",
        "category": Category.DEMONSTRATION_SITE,
        "level": Level.CITY,
        "subject": SubjectKind.WORKPLACE,
        "criteria": [
            _auto("join_rate", "职工入会率不低于85%", min=85),
            _auto("workers_congress", "建立职工代表大会制度"),
            _auto("open_affairs", "实行厂务公开"),
            _evidence("standard", "工会规范化建设达标材料"),
        ],
        "quota_per_year": 30,
        "shares": [PRIVATE_SHARE],
        "reinspection_years": 3,
        "description": "芜湖市每年评选 30 家。",
        "order": 60,
    },
    {
        "code": "province-excellent-proposal",
        "name": "优秀职工代表提案",
        "category": Category.PROPOSAL,
        "level": Level.PROVINCE,
        "subject": SubjectKind.PROPOSAL,
        "criteria": [
            _auto("workers_congress", "提案单位建立职代会制度"),
            _evidence("handling", "提案办理落实情况和成效"),
        ],
        "quota_per_year": 50,
        "order": 70,
    },
    {
        "code": "province-open-affairs-unit",
        "name": "厂务公开民主管理先进单位",
        "category": Category.ADVANCED_UNIT,
        "level": Level.PROVINCE,
        "subject": SubjectKind.WORKPLACE,
        "criteria": [
            _auto("workers_congress", "建立职工代表大会制度"),
            _auto("open_affairs", "实行厂务公开"),
            _evidence("practice", "厂务公开民主管理工作材料"),
        ],
        "shares": [PRIVATE_SHARE],
        "order": 80,
    },
    {
        "code": "province-open-affairs-person",
        "name": "厂务公开民主管理先进个人",
        "category": Category.ADVANCED_PERSON,
        "level": Level.PROVINCE,
        "subject": SubjectKind.PERSON,
        "criteria": _worker_criteria(),
        "order": 90,
    },
    {
        "code": "province-union-worker",
        "name": "优秀工会工作者",
        "category": Category.UNION_WORKER,
        "level": Level.PROVINCE,
        "subject": SubjectKind.PERSON,
        "criteria": _worker_criteria(),
        "order": 100,
    },
]


def ensure_honour_kinds() -> list[HonourKind]:
    """The default kinds, created where missing (idempotent; existing rows are not overwritten)."""
    kinds = []
    for spec in DEFAULT_KINDS:
        values = dict(spec)
        code = values.pop("code")
        kind, _ = HonourKind.objects.get_or_create(code=code, defaults=values)
        kinds.append(kind)
    return kinds


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved on by whole years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_inspection(kind: HonourKind, after: dt.date) -> dt.date | None:
    """When a title of ``kind`` is next re-inspected, counted from its naming or its last 复查; never
    for a kind without an interval."""
    return add_years(after, kind.reinspection_years) if kind.reinspection_years else None
