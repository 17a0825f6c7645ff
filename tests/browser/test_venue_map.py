"""A real headless Chromium opens the venue map: the boundaries load from this site under the project's
CSP (no inline script, no CDN), the count shown is the venues of the county, and ECharts drew them."""

import datetime as dt
import os
from decimal import Decimal

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_shows_the_countys_venues(live_server, registry):
    from playwright.sync_api import sync_playwright

    from gonghui.regions.models import Region
    from gonghui.venues import services
    from gonghui.venues.models import Venue, VenueKind

    services.ensure_venue_kinds()
    for n, (lng, lat) in enumerate([("118.40", "31.40"), ("118.45", "31.42"), ("118.50", "31.45")]):
        services.save_venue(
            Venue(
                name=f"鸠江驿站{n}",
                kind=VenueKind.objects.get(code="station" if n else "reading"),
                operator=registry.unions["jiujiang"],
                region=Region.objects.get(code="340207"),
                address="鸠江区某路",
                longitude=Decimal(lng),
                latitude=Decimal(lat),
                opened_on=dt.date(2024, 1, 1),
            )
        )
    url = "/venues/map/?region=340207"
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server.url, "t-jiujiang", f"{url}")
        page.wait_for_selector("#venue-map[data-ready]")
        ready = page.get_attribute("#venue-map", "data-ready")
        count = page.inner_text("#venue-count")
        canvases = page.locator("#venue-map canvas").count()
        browser.close()
    assert ready == "1", errors
    assert count == "3"
    assert canvases >= 1
    assert not [e for e in errors if "Content Security Policy" in e]
