"""A real headless Chromium works an item off the unorganised list: claims it, then closes it by
founding a union (the workplace entered from the directory entry in the same step)."""

import os

import pytest

from tests.chromium import CHROMIUM_ARGS
from tests.factories import PASSWORD, make_uscc

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        yield context.new_page()
        browser.close()


def test_claim_an_item_and_close_it_by_founding_a_union(page, live_server, registry):
    from gonghui.directories import worklist
    from gonghui.directories.models import ListItem
    from gonghui.orgs.models import UnionOrg, Workplace
    from tests.directories.worklist_helpers import make_entry

    entry = make_entry(registry, "鸠江浏览器测试有限公司", uscc=make_uscc(901, "340207"), employees=150)
    worklist.refresh_list()
    item = ListItem.objects.get(entry=entry)

    page.goto(f"{live_server.url}/accounts/login/?next=/worklist/")
    page.fill("#id_username", "t-jiujiang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/worklist/")
    page.click("text=鸠江浏览器测试有限公司")
    page.wait_for_url(f"{live_server.url}/worklist/items/{item.pk}/")

    page.click("#claim-form button")
    page.wait_for_selector("text=已领单")
    assert "已领取" in page.inner_text("#item-status")

    page.select_option("#close-form select[name=outcome]", "founded")
    page.click("#close-form button")
    page.wait_for_selector("text=已销号")
    assert "已建会" in page.inner_text("#item-status")

    item.refresh_from_db()
    workplace = Workplace.objects.get(uscc=entry.uscc)
    assert item.status == ListItem.Status.CLOSED and item.founded_union.workplaces.get() == workplace
    assert UnionOrg.objects.filter(name="鸠江浏览器测试有限公司工会委员会", founded_on__isnull=False).exists()
    events = page.inner_text("#events")
    assert "领单" in events and "销号" in events
