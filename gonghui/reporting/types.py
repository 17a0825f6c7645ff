"""The seeded report types (reference data): ``seed_report_types()``, run by the command of the same
name, by the demo and on first use of the reporting pages. Re-running updates names, periods and due
rules and adds missing types; it never deletes a type (reports refer to it)."""

from __future__ import annotations

from django.db import transaction

from .models import COUNTY_LEVEL, ReportType
from .periods import PeriodKind


def _section(code: str, title: str, max_length: int, rich: bool = True) -> dict:
    return {"code": code, "title": title, "max_length": max_length, "rich": rich}


def _figure(code: str, editable: bool = False, label: str = "") -> dict:
    return {"code": code, "label": label, "editable": editable}


BUILDING = [_figure("members"), _figure("grassroots_unions"), _figure("unions_founded_year")]
SUPERVISION = [_figure("tasks_open"), _figure("tasks_overdue"), _figure("problems_open")]

SEEDED: list[dict] = [
    {
        "code": "weekly_review",
        "name": "周研判",
        "period_kind": PeriodKind.WEEK,
        "submitter_kinds": [COUNTY_LEVEL],
        "due_working_days": 2,
        "remind_working_days": 1,
        "sections": [
            _section("situation", "本周工作进展", 800),
            _section("issues", "存在问题与下周安排", 800),
        ],
        "figures": [_figure("members_joined_year"), *SUPERVISION],
        "note": "县级工会每周研判建会入会工作进展",
    },
    {
        "code": "monthly_supervision",
        "name": "月督导",
        "period_kind": PeriodKind.MONTH,
        "submitter_kinds": [COUNTY_LEVEL],
        "due_working_days": 5,
        "sections": [
            _section("progress", "督导推进情况", 1500),
            _section("problems", "发现问题及整改", 1500),
        ],
        "figures": [*BUILDING, *SUPERVISION],
        "note": "县级工会每月报送督导推进情况",
    },
    {
        "code": "quarterly_bulletin",
        "name": "季通报",
        "period_kind": PeriodKind.QUARTER,
        "submitter_kinds": [COUNTY_LEVEL],
        "due_working_days": 10,
        "sections": [_section("summary", "本季度工作情况", 2000)],
        "figures": [
            *BUILDING,
            _figure("legal_entity_coverage"),
            _figure("coverage_25plus"),
            _figure("membership_rate_all"),
        ],
        "note": "县级工会报送季度数据，上级据此审核后拟稿、审核、签发季度通报",
    },
    {
        "code": "half_year_summary",
        "name": "半年总结",
        "period_kind": PeriodKind.HALF_YEAR,
        "submitter_kinds": [COUNTY_LEVEL],
        "due_working_days": 10,
        "sections": [
            _section("work", "半年工作总结", 5000),
            _section("problems", "存在的问题", 2000),
            _section("plans", "下半年工作打算", 2000),
        ],
        "figures": [
            _figure("members", editable=True),
            _figure("grassroots_unions", editable=True),
            _figure("unions_founded_year", editable=True),
            _figure("legal_entity_coverage"),
            _figure("membership_rate_all"),
            *SUPERVISION,
        ],
        "note": "县级工会向市总工会报送半年工作总结",
    },
    {
        "code": "annual_evaluation",
        "name": "年评价",
        "period_kind": PeriodKind.YEAR,
        "submitter_kinds": [COUNTY_LEVEL, "city"],
        "due_working_days": 15,
        "sections": [_section("self_assessment", "年度自评", 5000)],
        "figures": [
            *(_figure(code) for code in ("evaluation_total", "evaluation_rank", "evaluation_vetoed")),
            *(
                _figure(code)
                for code in ("evaluation_units", "evaluation_units_vetoed", "evaluation_units_award")
            ),
            *BUILDING,
            _figure("legal_entity_coverage"),
            _figure("coverage_25plus"),
            *SUPERVISION,
        ],
        "note": "县级工会报市总工会，市总工会在所属县级工会全部审核通过后报省总工会",
    },
    {
        "code": "annual_statistics",
        "name": "年报",
        "period_kind": PeriodKind.STAT_YEAR,
        "submitter_kinds": [COUNTY_LEVEL, "city"],
        "due_working_days": 20,
        "sections": [_section("notes", "填报说明", 2000, rich=False)],
        # The 年报's headline figures (reporting.links registers the annual_* providers; the full tables
        # are the 年报 export's), and its logical checks gate the submission.
        "figures": [
            _figure(f"annual_{key}")
            for key in (
                "grassroots_unions",
                "members",
                "women_members",
                "migrant_members",
                "new_form_members",
                "workplaces",
                "workplaces_covered",
            )
        ],
        "note": "工会组织和会员统计年报（统计年度10月1日至次年9月30日），逐级审核上报",
    },
]


@transaction.atomic
def seed_report_types() -> int:
    """Write the seeded types; returns how many were created."""
    created = 0
    for order, spec in enumerate(SEEDED):
        defaults = {k: v for k, v in spec.items() if k != "code"}
        existing = ReportType.objects.filter(code=spec["code"]).first()
        if existing is None:
            ReportType.objects.create(code=spec["code"], order=order * 10, **defaults)
            created += 1
            continue
        # A type already in use keeps its form (sections, figures) as an administrator may have changed it.
        for key in ("name", "period_kind", "note"):
            setattr(existing, key, defaults[key])
        existing.save(update_fields=["name", "period_kind", "note"])
    return created


def ensure_report_types() -> None:
    if not ReportType.objects.exists():
        seed_report_types()
