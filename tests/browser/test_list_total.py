"""A real headless Chromium opens a list whose total is counted after the page is shown (a long list,
core.search.inline_total): the rows are there at once, and htmx replaces 「正在统计条数…」 with the
count of the same scope and filters."""

import os

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_deferred_total_arrives_in_the_page(live_server, registry, monkeypatch):
    from playwright.sync_api import sync_playwright

    from gonghui.core import search
    from gonghui.members.models import Member

    monkeypatch.setattr(search, "estimated_rows", lambda qs: 10**6)  # the live server runs in this process
    visible = Member.objects.visible_to(registry.users["wuhu"]).filter(status="active").count()
    url = "/members/?status=active"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN").new_page()
        sign_in(page, live_server.url, "t-wuhu", f"{url}")
        # htmx swaps the element for the fragment, which has no hx-get (no script evaluated: the CSP forbids it).
        page.wait_for_selector("#list-total:not([hx-get])")
        total = page.inner_text("#list-total")
        rows = page.locator("table tbody tr").count()
        browser.close()

    assert visible > 0
    assert total == f"共 {visible} 条"
    assert rows == min(visible, 50)
