"""A real headless Chromium logs in through the login page and opens the member list."""

import os

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # One browser for the module, a fresh context (cookies, storage) per test.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def test_login_and_member_list_shows_masked_ids(page, live_server, registry):
    page.goto(f"{live_server.url}/members/")
    # Not logged in: sent to the login page, which then brings us back.
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "t-wuhu")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("body")
    page.fill("#id_username", "t-wuhu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/members/")
    table = page.locator("table")
    table.wait_for()
    text = table.inner_text()
    member = registry.members["jiujiang_1"]
    assert member.name in text
    assert member.id_masked in text and member.phone_masked in text
    assert member.id_number not in page.content() and member.phone not in page.content()
    # The page is styled (Bootstrap came from the local static files, not a CDN).
    color = page.evaluate("getComputedStyle(document.querySelector('.btn-primary')).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")


def test_autocomplete_picks_a_union_and_the_member_is_created(page, live_server, registry):
    import datetime as dt

    from gonghui.members.models import Member
    from tests.factories import make_id

    sign_in(page, live_server.url, "t-jinghu", "/members/add/")
    page.fill("#id_name", "周自动")
    page.fill("#id_id_number", make_id("340202", dt.date(1993, 3, 3), 93))
    page.click("#id_union-ts-control")
    page.keyboard.type("镜湖甲")
    option = page.locator(".ts-dropdown .option", has_text="镜湖甲公司工会委员会")
    option.wait_for()
    # Only the typed prefix, only inside 镜湖区: nothing of 鸠江区 is offered.
    offered = page.locator(".ts-dropdown .option").all_inner_texts()
    assert offered and not [text for text in offered if "鸠江" in text]
    option.click()
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('周自动')")
    member = Member.objects.get(name="周自动")
    assert member.union == registry.unions["jinghu_a"]
    assert member.id_masked in page.inner_text("body")


def test_reveal_button_shows_the_full_id_and_writes_the_audit_event(page, live_server, registry):
    from gonghui.core.models import AuditEvent

    member = registry.members["jinghu_1"]
    sign_in(page, live_server.url, "t-wuhu", f"/members/{member.pk}/")
    sensitive = page.locator("#sensitive")
    assert member.id_masked in sensitive.inner_text() and member.id_number not in page.content()
    page.click("text=显示完整信息")  # htmx POST with the CSRF header from base.html
    page.wait_for_selector("#sensitive:has-text('已记录审计日志')")
    assert member.id_number in sensitive.inner_text() and "13812345678" in sensitive.inner_text()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert event.username == "t-wuhu" and event.object_id == str(member.pk) and event.ip == "127.0.0.1"
