"""Report workflow: due dates across holidays, every transition and its refusals, frozen figures, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Workplace
from gonghui.reporting import calendar, periods, reminders, services
from gonghui.reporting.models import Report, ReportEvent, ReportReminder, ReportStatus
from gonghui.reporting.periods import PeriodKind
from tests.reporting.helpers import H1_2024, draft, evaluation_type, half_year_type, submitted

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------- periods and due dates
def test_due_date_skips_national_day_week():
    # 2024-09-30 (Q3 end) + 10 working days: 10-01..10-07 are the National Day holiday and 10-12 (a
    # Saturday) a make-up working day: 10-08..10-11, 10-12, 10-14..10-18 → 10-18 (by weekdays alone
    # it would be 10-14).
    assert periods.due_date(dt.date(2024, 9, 30), 10) == dt.date(2024, 10, 18)
    # A month-end with no holiday after it: two calendar weeks.
    assert periods.due_date(dt.date(2024, 10, 31), 10) == dt.date(2024, 11, 14)


def test_due_date_across_spring_festival_counts_the_make_up_day():
    # 2024-01-31 + 5 working days: 02-04 (a Sunday) was a make-up working day before the Spring
    # Festival and counts: 02-01, 02-02, 02-04, 02-05, 02-06.
    assert periods.due_date(dt.date(2024, 1, 31), 5) == dt.date(2024, 2, 6)


def test_periods_and_the_statistical_year():
    assert periods.containing(PeriodKind.STAT_YEAR, dt.date(2023, 10, 1)).end == dt.date(2024, 9, 30)
    assert periods.containing(PeriodKind.STAT_YEAR, dt.date(2024, 9, 30)).start == dt.date(2023, 10, 1)
    assert periods.containing(PeriodKind.HALF_YEAR, dt.date(2024, 8, 1)).start == dt.date(2024, 7, 1)
    assert periods.containing(PeriodKind.QUARTER, dt.date(2024, 11, 30)).end == dt.date(2024, 12, 31)
    week = periods.containing(PeriodKind.WEEK, dt.date(2024, 10, 3))
    assert (week.start, week.end) == (dt.date(2024, 9, 30), dt.date(2024, 10, 6))
    assert len(periods.periods_of_year(PeriodKind.MONTH, 2024)) == 12
    assert periods.period_label(PeriodKind.HALF_YEAR, H1_2024) == "2024年上半年"
    with pytest.raises(ValueError):
        periods.starting(PeriodKind.HALF_YEAR, dt.date(2024, 2, 1))


# ---------------------------------------------------------------------- transitions
def test_open_sets_period_and_due_and_writes_event_and_audit(registry):
    report = draft(registry)
    assert (report.period_end, report.status) == (dt.date(2024, 6, 30), ReportStatus.DRAFT)
    assert report.due_date == periods.due_date(dt.date(2024, 6, 30), 10)
    assert report.events.get().action == "创建"
    assert AuditEvent.objects.filter(object_type="reporting.report", object_id=str(report.pk)).count() == 1
    # Only the node's own administrators open its report; a non-submitter kind is refused.
    with pytest.raises(PermissionDenied):
        services.open_report(
            half_year_type(), registry.unions["jiujiang"], H1_2024, actor=registry.users["wuhu"]
        )
    with pytest.raises(ValidationError):
        services.open_report(half_year_type(), registry.unions["wuhu"], H1_2024, actor=registry.users["wuhu"])


def test_submit_return_fix_resubmit_approve_accept(registry):
    report = submitted(registry)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at
    # The county cannot approve itself; a sibling cannot either; the city returns with a reason.
    with pytest.raises(PermissionDenied):
        services.approve(report, actor=registry.users["jiujiang"])
    with pytest.raises(PermissionDenied):
        services.return_report(report, actor=registry.users["jinghu"], reason="不对")
    with pytest.raises(ValidationError):
        services.return_report(report, actor=registry.users["wuhu"], reason="  ")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    with pytest.raises(ValidationError):  # submitted: no edit until returned
        services.save_draft(report, actor=registry.users["jiujiang"], sections={"work": "改"})
    report = services.return_report(report, actor=registry.users["wuhu"], reason="请补充问题部分")
    assert report.status == ReportStatus.RETURNED
    report = services.save_draft(
        report, actor=registry.users["jiujiang"], sections={"problems": "小微企业难建会"}
    )
    report = services.submit(report, actor=registry.users["jiujiang"])
    report = services.approve(report, actor=registry.users["wuhu"], note="同意")
    assert report.status == ReportStatus.APPROVED and report.locked and report.frozen
    with pytest.raises(PermissionDenied):  # accepted upward: the approver's parent, not the approver
        services.accept(report, actor=registry.users["wuhu"])
    report = services.accept(report, actor=registry.users["province"])
    assert report.status == ReportStatus.ACCEPTED
    steps = list(report.events.values_list("action", "from_status", "to_status"))
    assert steps == [
        ("创建", "", "draft"),
        ("保存", "draft", "draft"),
        ("提交", "draft", "submitted"),
        ("退回", "submitted", "returned"),
        ("保存", "returned", "returned"),
        ("提交", "returned", "submitted"),
        ("审核通过", "submitted", "approved"),
        ("接收", "approved", "accepted"),
    ]
    assert report.events.get(action="退回").note == "请补充问题部分"
    audit = AuditEvent.objects.filter(object_type="reporting.report", object_id=str(report.pk))
    assert audit.count() == len(steps)


def test_locked_report_refuses_edit_and_unlock_needs_approver_and_reason(registry):
    report = services.approve(submitted(registry), actor=registry.users["wuhu"])
    with pytest.raises(ValidationError, match="锁定"):
        services.save_draft(report, actor=registry.users["jiujiang"], sections={"work": "改一改"})
    assert Report.objects.get(pk=report.pk).sections == {"work": "上半年工作总结"}
    with pytest.raises(ValidationError):
        services.unlock(report, actor=registry.users["wuhu"], reason="")
    with pytest.raises(PermissionDenied):
        services.unlock(report, actor=registry.users["jiujiang"], reason="想改")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    before = ReportEvent.objects.count()
    report = services.unlock(report, actor=registry.users["wuhu"], reason="数据需更正")
    assert report.status == ReportStatus.RETURNED and not report.frozen
    event = report.events.last()
    assert (event.action, event.from_status, event.to_status) == ("解锁", "approved", "returned")
    assert "数据需更正" in event.note and ReportEvent.objects.count() == before + 1
    services.save_draft(report, actor=registry.users["jiujiang"], sections={"work": "更正后"})


def test_parent_report_waits_for_all_children(registry):
    rtype = evaluation_type()
    start = dt.date(2024, 1, 1)
    county_reports = [submitted(registry, key, rtype, start) for key in ("jiujiang", "jinghu")]
    services.approve(county_reports[0], actor=registry.users["wuhu"])
    city = submitted(registry, "wuhu", rtype, start)
    with pytest.raises(ValidationError, match="镜湖区总工会"):
        services.approve(city, actor=registry.users["province"])
    assert Report.objects.get(pk=city.pk).status == ReportStatus.SUBMITTED
    services.approve(county_reports[1], actor=registry.users["wuhu"])
    # The zone directly under the city is county-level too: it has not reported at all.
    with pytest.raises(ValidationError, match="开发区"):
        services.approve(city, actor=registry.users["province"])
    zone_user = registry.users["wuhu"].__class__.objects.create_user(
        "t-zone", password="x", union=registry.unions["zone"], role=registry.users["jinghu"].role
    )
    registry.users["zone"] = zone_user
    services.approve(submitted(registry, "zone", rtype, start), actor=registry.users["wuhu"])
    assert services.approve(city, actor=registry.users["province"]).status == ReportStatus.APPROVED
    # A child cannot be unlocked while its parent's report is locked.
    with pytest.raises(ValidationError, match="上级单位"):
        services.unlock(county_reports[0], actor=registry.users["wuhu"], reason="更正")


def test_editable_figures_keep_the_original_and_need_an_explanation(registry):
    report = draft(registry)
    with pytest.raises(ValidationError, match="请说明原因"):
        services.save_draft(
            report, actor=registry.users["jiujiang"], sections={}, adjustments={"members": {"value": "999"}}
        )
    with pytest.raises(ValidationError, match="不允许修改"):
        services.save_draft(
            report,
            actor=registry.users["jiujiang"],
            sections={},
            adjustments={"problems_open": {"value": "5", "explanation": "x"}},
        )
    with pytest.raises(ValidationError, match="不能超过"):
        services.save_draft(report, actor=registry.users["jiujiang"], sections={"problems": "字" * 2001})
    report = services.save_draft(
        report,
        actor=registry.users["jiujiang"],
        sections={"work": "<p>总结<script>x</script></p>"},
        adjustments={"members": {"value": "999", "explanation": "含未录入系统的会员"}},
    )
    assert report.sections[
        "work"
    ] == "<p>总结&lt;script&gt;x&lt;/script&gt;</p>" or "script>" not in report.sections["work"].replace(
        "&lt;", ""
    )
    row = next(r for r in services.figure_rows(report) if r.code == "members")
    assert (row.reported, row.explanation, row.adjusted) == (999, "含未录入系统的会员", True)
    assert row.registry != 999


def test_approved_figures_are_frozen_after_a_registry_edit(registry):
    from gonghui.orgs.services import record_workplace_states
    from gonghui.targets.indicators import seed_indicators

    seed_indicators()
    record_workplace_states(Workplace.objects.all())  # the dated history the as-of figures read
    report = services.approve(submitted(registry), actor=registry.users["wuhu"])
    frozen = dict(report.frozen)
    covered_before = next(r for r in services.figure_rows(report) if r.code == "legal_entity_coverage")
    assert covered_before.drift is False
    # The unorganised workplace was in fact registered later than recorded: no longer present on 06-30
    # of 2024 → the live coverage rate for the same day changes, the report's does not.
    Workplace.objects.filter(pk=registry.workplaces["jiujiang_none"].pk).update(
        registered_on=dt.date(2025, 1, 1)
    )
    report.refresh_from_db()
    assert report.frozen == frozen
    row = next(r for r in services.figure_rows(report) if r.code == "legal_entity_coverage")
    assert row.registry == covered_before.registry and row.live != row.registry and row.drift


# ---------------------------------------------------------------------- calendar, matrix, reminders
def test_matrix_states_match_the_per_cell_computation(registry):
    rtype = half_year_type()
    submitted(registry, "jiujiang")
    services.return_report(submitted(registry, "jinghu"), actor=registry.users["wuhu"], reason="补充")
    today = dt.date(2025, 3, 1)
    data = calendar.matrix(registry.unions["wuhu"], rtype, 2024, today)
    names = [row.name for row in data.rows]
    assert names == ["镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会"]
    states = [[c.state for c in row.cells] for row in data.rows]
    assert states == [["returned", "overdue"], ["submitted", "overdue"], ["overdue", "overdue"]]
    assert states == calendar.matrix_per_cell(registry.unions["wuhu"], rtype, 2024, today)


def test_matrix_is_a_fixed_number_of_queries(registry, django_assert_max_num_queries):
    rtype = half_year_type()
    submitted(registry)
    with django_assert_max_num_queries(3):
        calendar.matrix(registry.unions["province"], rtype, 2024, dt.date(2025, 3, 1))


def test_node_calendar(registry):
    submitted(registry)
    entries = calendar.node_calendar(registry.unions["jiujiang"], 2024, dt.date(2024, 7, 5))
    half = [e for e in entries if e.report_type.code == "half_year_summary"]
    assert [e.state for e in half] == ["submitted", "upcoming"]


def test_reminders_due_soon_then_overdue_once_each(registry, settings):
    rtype = half_year_type()
    due = periods.due_date(dt.date(2024, 6, 30), rtype.due_working_days)
    from gonghui.joining.models import Notification

    soon = due - dt.timedelta(days=1)
    mine = ReportReminder.objects.filter(report_type=rtype, period_start=H1_2024)
    reminders.send_reminders(soon)
    assert set(mine.values_list("kind", flat=True)) == {"due_soon"} and mine.count() == 3
    reminders.send_reminders(soon)
    assert mine.count() == 3  # never twice
    submitted(registry)  # 鸠江区 reports: no overdue reminder for it
    reminders.send_reminders(due + dt.timedelta(days=1))
    overdue = mine.filter(kind="overdue")
    assert set(overdue.values_list("node__name", flat=True)) == {"镜湖区总工会", "芜湖经济技术开发区总工会"}
    sent = Notification.objects.filter(text__contains="2024年上半年「半年总结」").filter(
        text__contains="已逾期"
    )
    # Addressed to 镜湖区's administrator account; the zone has none: one unaddressed message.
    assert sorted(str(n.recipient) for n in sent) == sorted([str(registry.users["jinghu"]), "None"])


# ---------------------------------------------------------------------- scope and pages
def test_scope_own_subunits_and_to_approve(registry, as_user):
    report = submitted(registry)
    assert list(Report.objects.visible_to(registry.users["jiujiang"])) == [report]
    assert list(Report.objects.visible_to(registry.users["wuhu"])) == [report]
    assert not Report.objects.visible_to(registry.users["jinghu"]).exists()
    assert not Report.objects.visible_to(registry.users["nounion"]).exists()
    client = as_user("jinghu")
    assert client.get(reverse("reporting:report-detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reporting:report-approve", args=[report.pk])).status_code == 404
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    api = client.get("/api/v1/reporting/reports")
    assert api.status_code == 200 and api.json()["items"] == []


def test_pages_render_and_the_city_approves_through_the_page(registry, as_user):
    report = submitted(registry)
    client = as_user("wuhu")
    for url in (
        reverse("reporting:calendar"),
        reverse("reporting:matrix") + "?year=2024",
        reverse("reporting:type-list"),
        reverse("reporting:report-list"),
        reverse("reporting:report-detail", args=[report.pk]),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("reporting:report-detail", args=[report.pk])).content.decode()
    assert 'id="approve-form"' in page and 'id="report-form"' not in page
    client.post(reverse("reporting:report-approve", args=[report.pk]), {"note": ""})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    matrix = client.get("/api/v1/reporting/matrix", {"type": report.report_type_id, "year": 2024}).json()
    assert matrix["rows"][1]["states"][0] == "approved"
    assert client.get("/api/v1/reporting/calendar", {"year": 1900}).status_code == 400
