"""The demo registry is dated: every workplace has its 登记日期 and a state from it, so the demo's figures
as of a past day (a bulletin of 2025-09-30) are that day's, and as of today equal the live count."""

import datetime as dt

from django.db.models import F
from django.utils import timezone

from gonghui.demo.loader import DemoSize, load_demo
from gonghui.orgs.models import UnionOrg, Workplace, WorkplaceState
from gonghui.targets import asof, indicators
from gonghui.targets.services import seed_reference


def test_demo_workplaces_are_dated_and_past_figures_are_available(db):
    from tests.factories import load_regions

    load_regions()
    load_demo(DemoSize(grassroots=30, workplaces=120, members=600))
    seed_reference()
    assert WorkplaceState.objects.count() == Workplace.objects.count() > 0
    assert not Workplace.objects.exclude(states__valid_from=F("registered_on")).exists()
    wuhu = UnionOrg.objects.get(name="芜湖市总工会")
    today = timezone.localdate()

    def nonzero(counts):
        return {p: {k: v for k, v in values.items() if v} for p, values in counts.items()}

    assert nonzero(asof.raw_counts_as_of(wuhu, today)) == nonzero(indicators.raw_counts(wuhu, today))
    past = indicators.figures_as_of(wuhu, dt.date(2025, 9, 30))
    assert not past.get("unavailable") and past["indicators"]
