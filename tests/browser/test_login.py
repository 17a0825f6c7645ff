"""A real headless Chromium logs in through the login page and opens the member list."""

import os

import pytest

from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        yield context.new_page()
        browser.close()


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
