"""The plan progress page fits a 1366 px window: the whole table is visible without scrolling sideways."""

import io
import os

import pytest

from gonghui.targets.importer import import_plan
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD
from tests.targets.helpers import complete_wuhu, table_xlsx

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_plan_table_fits_1366_px_in_rank_order(browser, live_server, registry):
    complete_wuhu(registry)
    # The city's ten sub-units with their real, long names (芜湖经济技术开发区总工会 …).
    plan, _ = import_plan(io.BytesIO(table_xlsx()), issuer=registry.unions["wuhu"], year=2023)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/targets/{plan.pk}/%3Fas_of%3D2023-06-30")
    page.fill("#id_username", "t-wuhu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".progress-table")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('.table-responsive').scrollWidth,"
        " document.querySelector('.table-responsive').clientWidth]"
    )
    context.close()
    page_scroll, page_client, table_scroll, table_client = widths
    assert page_scroll <= page_client, widths
    assert table_scroll <= table_client, widths
