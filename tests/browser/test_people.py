"""A real headless Chromium opens the staffing page (配备情况) of 镜湖区: the street with 2,000 workers and
the 2,000-employee workplace union both need a full-time cadre, only the workplace union has one; the
figures shown are 2 needing, 1 staffed, 1 lacking (the street's row marked), 1 new staff member."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_staffing_page_shows_who_lacks_a_full_time_cadre(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.orgs.models import Workplace
    from tests.people.helpers import hire

    Workplace.objects.filter(pk=registry.workplaces["jinghu_a"].pk).update(employee_count=2000)
    today = timezone.localdate()
    hire(
        registry.unions["jinghu_a"],
        31,
        post="full_time_cadre",
        start=today - dt.timedelta(days=3),
        address="340202",
    )
    jinghu, street = registry.unions["jinghu"], registry.unions["jinghu_street"]
    url = f"/people/staffing/{jinghu.pk}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        sign_in(page, live_server.url, "t-jinghu", f"{url}")
        figures = [page.inner_text(f"#{key}") for key in ("needing", "covered", "lacking", "new-total")]
        street_row = page.inner_text(f'#territorial tr[data-union="{street.pk}"]')
        street_class = page.get_attribute(f'#territorial tr[data-union="{street.pk}"]', "class")
        workplace_row = page.inner_text("#workplace tbody tr")
        new_staff = page.inner_text("#new-staff tbody")
        browser.close()

    assert figures == ["2", "1", "1", "1"]
    assert "应配未配" in street_row and "2000" in street_row and "table-danger" in street_class
    assert "镜湖甲公司工会委员会" in workplace_row and "已配备" in workplace_row
    assert "专职工会干部" in new_staff
