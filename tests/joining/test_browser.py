"""A courier with no union at work applies from a 360-px phone screen; the county's new-form union
reviewer approves; the member appears in the county's member list."""

import datetime as dt
import os

import pytest

from gonghui.joining.models import JoinApplication
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, make_id

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_courier_applies_reviewer_approves_member_listed(live_server, joinreg, browser):
    base = live_server.url
    id_number = make_id("340207", dt.date(1998, 9, 9), 35)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/join/")
    # Nothing may overflow sideways on a 360-px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#id_name", "周快递")
    page.fill("#id_id_number", id_number)
    page.fill("#id_phone", "13966667777")
    page.check("input[name=is_migrant_worker][value=yes]")
    page.check("input[name=mode][value=none]")
    page.fill("#id_employer_name", "无固定单位")
    assert page.is_hidden("#employer-box") and page.is_visible("#id_district")
    page.select_option("#id_new_form_group", label="快递员")
    page.select_option("#id_district", label="芜湖市 鸠江区")
    page.check("#id_consent_constitution")
    page.check("#id_consent_personal_data")
    assert page.is_hidden("#id_website") or page.evaluate(
        "document.getElementById('id_website').getBoundingClientRect().right < 0"
    )
    page.click("#submit-btn")
    page.wait_for_selector("#app-number")
    number = page.inner_text("#app-number").strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    app = JoinApplication.objects.get(number=number)
    assert app.routed_union.name == "鸠江区新就业形态劳动者工会联合会"
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    _login(page, base, "t-reviewer")
    page.goto(f"{base}/join/review/")
    page.click(f"text={number}")
    page.click("#approve-btn")
    page.wait_for_selector("#app-status")
    assert page.inner_text("#app-status").strip() == "已批准"
    page.context.clear_cookies()

    _login(page, base, "t-jiujiang")
    page.goto(f"{base}/members/?q=周快递")
    assert "周快递" in page.content()
    page.goto(f"{base}/members/")
    assert "周快递" in page.content()
    desk.close()
