"""Issue 14 — the 年报 usable from its report page: 核查说明 of an explainable check failure (filed by the
submitter while the report is editable) unblock the submission and are frozen on approval with the tables;
the page shows tables and checks; the 年报 downloads are scoped and audited; the calendar's overdue list is
capped, the rest behind the report list's overdue filter."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import WorkplaceState
from gonghui.reporting import links, services
from gonghui.reporting.models import Report, ReportEvent, ReportStatus
from tests.reporting.helpers import draft
from tests.reporting.test_links import annual_report

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def overfull_report(reg) -> tuple[Report, str]:
    """镜湖区's 年报 whose only failure is 镜湖甲's union with more members than its one employee."""
    WorkplaceState.objects.filter(workplace=reg.workplaces["jinghu_a"]).update(employee_count=1)
    report = annual_report(reg)
    [failure] = links.annual_of(report).failures
    assert failure.check == "members_le_employees" and failure.explainable
    return report, failure.key


def test_an_explanation_unblocks_the_submission_and_is_frozen_on_approval(registry, as_user):
    report, key = overfull_report(registry)
    county, city = registry.users["jinghu"], registry.users["wuhu"]
    with pytest.raises(ValidationError):
        services.submit(report, actor=county)
    # Only explainable failures take an explanation; the length is bounded.
    for bad_key, text in (("sub_rows:T1:unions", "说明"), (key, "长" * 501)):
        with pytest.raises(ValidationError):
            services.save_explanation(report, actor=county, key=bad_key, text=text)
    assert Report.objects.get(pk=report.pk).explanations == {}

    client = as_user("jinghu")
    url = reverse("reporting:report-detail", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'id="annual-checks"' in page and "待说明" in page and "explain-form" in page
    assert reverse("orgs:union-detail", args=[registry.unions["jinghu_a"].pk]) in page
    assert reverse("orgs:workplace-detail", args=[registry.workplaces["jinghu_a"].pk]) in page
    assert 'id="table-T3"' in page and 'id="unavailable-T5"' in page
    client.post(
        reverse("reporting:report-explain", args=[report.pk]), {"key": key, "text": "  含派遣至外单位的会员 "}
    )
    report.refresh_from_db()
    assert report.explanations == {key: "含派遣至外单位的会员"}
    detail = client.get(f"/api/v1/reporting/reports/{report.pk}").json()
    assert detail["check_explanations"] == {key: "含派遣至外单位的会员"}
    assert ReportEvent.objects.filter(report=report, action="核查说明").exists()
    assert AuditEvent.objects.filter(object_id=str(report.pk), detail__startswith="核查说明").exists()

    services.submit(report, actor=county)
    # The city's 年报 holds the same failure, explained by the county that submitted it.
    [above] = links.annual_of(annual_report(registry, "wuhu")).failures
    assert above.key == key and above.explanation == "含派遣至外单位的会员（镜湖区总工会说明）"
    with pytest.raises(ValidationError):  # submitted: no edit until returned
        services.save_explanation(report, actor=county, key=key, text="")
    services.approve(report, actor=city)
    report.refresh_from_db()
    kept = links.annual_of(report)
    assert kept.frozen and kept.failures[0].explanation == "含派遣至外单位的会员"
    with pytest.raises(ValidationError):  # locked
        services.save_explanation(report, actor=county, key=key, text="改")
    page = client.get(url).content.decode()
    assert "已说明" in page and "含派遣至外单位的会员" in page and "explain-form" not in page
    assert "审核通过时冻结的报表" in page

    # Unlocked: the submitter withdraws it (empty text) and the failure blocks again.
    services.unlock(report, actor=city, reason="重新核对")
    services.save_explanation(report, actor=county, key=key, text="")
    assert Report.objects.get(pk=report.pk).explanations == {}
    report.refresh_from_db()
    assert services.submit_failures(report)


def test_downloads_are_scoped_typed_and_audited(registry, as_user):
    report, _key = overfull_report(registry)
    client = as_user("jinghu")
    for fmt, content_type in (("xlsx", XLSX), ("docx", DOCX), ("pdf", "application/pdf")):
        response = client.get(reverse("reporting:report-annual-export", args=[report.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert "attachment" in response["Content-Disposition"]
    response = client.get(f"/reporting/reports/{report.pk}/annual/xlsx/")
    book = load_workbook(io.BytesIO(response.content))
    assert "镜湖甲公司工会委员会" in book["逻辑检查"]["D5"].value
    audited = AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOAD_REPORT, object_id=str(report.pk), user=registry.users["jinghu"]
    )
    assert audited.count() == 4 and "XLSX" in audited.first().detail
    outsider = as_user("jiujiang", client.__class__())
    assert outsider.get(f"/reporting/reports/{report.pk}/annual/pdf/").status_code == 404
    assert client.get(f"/reporting/reports/{report.pk}/annual/csv/").status_code == 404
    half_year = draft(registry, "jinghu")
    assert client.get(f"/reporting/reports/{half_year.pk}/annual/xlsx/").status_code == 404
    assert audited.count() == 4  # refusals write nothing


def test_calendar_overdue_list_is_capped_and_the_rest_is_in_the_report_list(registry, as_user):
    late = draft(registry, "jiujiang")  # the first half of 2024: long overdue
    on_time = services.submit(draft(registry, "jinghu"), actor=registry.users["jinghu"])
    client = as_user("wuhu")
    page = client.get(reverse("reporting:calendar")).content.decode()
    overdue = page.split('id="overdue"')[1].split("</ul>")[0]
    assert overdue.count('<li class="list-group-item small">') == 20
    assert 'id="overdue-more"' in overdue and "另有" in overdue
    link = f"{reverse('reporting:report-list')}?node={registry.unions['wuhu'].pk}&amp;overdue=true"
    assert link in overdue
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert str(late) in listed and str(on_time) not in listed
    assert '<option value="true" selected>是</option>' in listed  # the filter form says what is shown
    assert on_time.status == ReportStatus.SUBMITTED
