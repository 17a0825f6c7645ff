"""A real headless Chromium works an item off the unorganised list: claims it, then closes it by
founding a union (the workplace entered from the directory entry in the same step)."""

import os

import pytest

from tests.chromium import CHROMIUM_ARGS
from tests.factories import PASSWORD, make_uscc

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_claim_an_item_and_close_it_by_founding_a_union(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.directories import worklist
    from gonghui.directories.models import ListItem
    from gonghui.orgs.models import UnionOrg, Workplace
    from tests.directories.worklist_helpers import make_entry

    entry = make_entry(registry, "鸠江浏览器测试有限公司", uscc=make_uscc(901, "340207"), employees=150)
    worklist.refresh_list()
    item = ListItem.objects.get(entry=entry)

    # The database is read before and after the browser runs, not while its event loop runs in this
    # thread (Django would open a second connection there, left open at teardown).
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/worklist/")
        page.fill("#id_username", "t-jiujiang")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/worklist/")
        page.click("text=鸠江浏览器测试有限公司")
        page.wait_for_url(f"{live_server.url}/worklist/items/{item.pk}/")

        page.click("#claim-form button")
        page.wait_for_selector("text=已领单")
        claimed = page.inner_text("#item-status")

        page.select_option("#close-form select[name=outcome]", "founded")
        page.click("#close-form button")
        page.wait_for_selector("text=已销号")
        closed = page.inner_text("#item-status")
        events = page.inner_text("#events")
        browser.close()

    assert "已领取" in claimed and "已建会" in closed
    assert "领单" in events and "销号" in events
    item.refresh_from_db()
    workplace = Workplace.objects.get(uscc=entry.uscc)
    assert item.status == ListItem.Status.CLOSED and item.founded_union.workplaces.get() == workplace
    assert UnionOrg.objects.filter(name="鸠江浏览器测试有限公司工会委员会", founded_on__isnull=False).exists()
