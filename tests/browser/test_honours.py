"""A real headless Chromium takes a union through a provincial round (issue 15): 鸠江区 nominates one of
its unions (picked by keyword, the criteria shown passed with their figures) and submits it, 芜湖市
forwards it, 安徽省总工会 selects it, publishes the 公示 and names it — and the union's own page shows the
title."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, base: str, username: str, next_url: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, base, username, next_url)
    return page


def test_county_nominates_city_forwards_province_names(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.honours import rounds
    from gonghui.honours.kinds import ensure_honour_kinds
    from gonghui.honours.models import HonourKind, Nomination, Title
    from tests.honours.helpers import add_model_union

    today = timezone.localdate()
    union = add_model_union(registry)
    ensure_honour_kinds()
    rnd = rounds.create_round(
        actor=registry.users["province"],
        kind=HonourKind.objects.get(code="province-model-home"),
        year=today.year,
        title=f"{today.year}年安徽省模范职工之家评选",
        criteria_date=today,
        deadline=today + dt.timedelta(days=30),
    )
    round_url = f"/honours/rounds/{rnd.pk}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        county = _login(browser, live_server.url, "t-jiujiang", round_url)
        county.click("#nominate")
        county.click("#id_subject-ts-control")
        county.keyboard.type("模范50号")
        option = county.locator(".ts-dropdown .option", has_text=union.name)
        option.wait_for()
        option.click()
        county.fill("#id_summary", "职工之家建设成效显著")
        county.click("#nomination-form button")
        county.wait_for_selector("#nomination-status >> text=草稿")
        checklist = county.inner_text("#criteria")
        county.click("#submit-form button")
        county.wait_for_selector("#nomination-status >> text=待审核")

        city = _login(browser, live_server.url, "t-wuhu", round_url)
        city.click("#batch-form button")
        city.wait_for_selector(".alert >> text=已上报 1 个推荐对象")

        province = _login(browser, live_server.url, "t-province", round_url)
        province.click("#batch-form button")
        province.wait_for_selector(".alert >> text=已确定 1 个拟命名对象")
        province.fill("#notice-form #id_start", (today - dt.timedelta(days=7)).isoformat())
        province.fill("#notice-form #id_end", (today - dt.timedelta(days=1)).isoformat())
        province.click("#notice-form button")
        province.wait_for_selector("#round-status >> text=公示中")
        province.fill("#id_document_number", f"皖工发〔{today.year}〕8号")
        province.fill("#id_named_on", today.isoformat())
        province.click("#name-form button")
        province.wait_for_selector("#round-status >> text=已命名")

        county.goto(f"{live_server.url}/orgs/unions/{union.pk}/")
        panel = county.inner_text("#honours-panel")
        browser.close()

    assert "会员 4 人，覆盖单位职工 4 人，入会率 100.0%" in checklist
    title = Title.objects.get()
    assert title.union == union and title.document_number == f"皖工发〔{today.year}〕8号"
    assert Nomination.objects.get().status == "named"
    assert "安徽省模范职工之家" in panel and f"皖工发〔{today.year}〕8号" in panel and "有效" in panel
