"""A real headless Chromium: a county submits its half-year report, the city returns it, the county fixes
it and submits again, the city approves."""

import datetime as dt
import os

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_half_year_report_returned_fixed_and_approved(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.reporting import services
    from gonghui.reporting.models import Report, ReportType
    from gonghui.reporting.types import seed_report_types

    seed_report_types()
    rtype = ReportType.objects.get(code="half_year_summary")
    report = services.open_report(
        rtype, registry.unions["jiujiang"], dt.date(2024, 1, 1), actor=registry.users["jiujiang"]
    )
    url = f"{live_server.url}/reporting/reports/{report.pk}/"

    def login(page, username):
        sign_in(page, live_server.url, username, f"/reporting/reports/{report.pk}/")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        county = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        city = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        login(county, "t-jiujiang")
        county.fill("#section_work", "上半年新建基层工会，发展会员。")
        county.click("#save-button")
        county.wait_for_selector("text=已保存")
        county.click("#submit-form button")
        county.wait_for_selector("#report-status:has-text('已提交')")

        login(city, "t-wuhu")
        city.fill("#return-form input[name=reason]", "请补充存在的问题")
        city.click("#return-form button")
        city.wait_for_selector("#report-status:has-text('已退回')")

        county.goto(url)
        county.fill("#section_problems", "小微企业建会难，职工流动性大。")
        county.fill("#figure_members", "5")
        county.fill("#explain_members", "含两名未录入系统的会员")
        county.click("#save-button")
        county.wait_for_selector("text=已保存")
        county.click("#submit-form button")
        county.wait_for_selector("#report-status:has-text('已提交')")

        city.goto(url)
        city.click("#approve-form button")
        city.wait_for_selector("#report-status:has-text('已审核')")
        events = city.inner_text("#events")
        figures = city.inner_text("#figures")
        browser.close()

    report = Report.objects.get(pk=report.pk)
    assert report.status == "approved" and report.frozen["members"]["reported"] == 5
    assert report.frozen["members"]["explanation"] == "含两名未录入系统的会员"
    assert report.sections["problems"] == "小微企业建会难，职工流动性大。"
    assert list(report.events.values_list("action", flat=True)) == [
        "创建",
        "保存",
        "提交",
        "退回",
        "保存",
        "提交",
        "审核通过",
    ]
    assert "请补充存在的问题" in events and "已调整" in figures
