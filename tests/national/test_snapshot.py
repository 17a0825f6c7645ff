"""The published snapshot carries the targets machinery's figures, and the roll-up sums provinces."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.members.models import HELD_STATUSES, Member
from gonghui.national.models import NodeSnapshot, Province
from gonghui.national.rollup import rollup
from gonghui.national.services import PublishError, publish_snapshot
from gonghui.targets import cube, indicators

pytestmark = pytest.mark.django_db


def test_snapshot_figures_equal_the_targets_figures(province):
    day = timezone.localdate()
    result = publish_snapshot(day)
    nodes = {
        province.unions[k].path: province.unions[k]
        for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "zone")
    }
    rows = {s.node_path: s for s in NodeSnapshot.objects.filter(province_code="34", as_of=day)}
    assert result["nodes"] == len(rows) == len(nodes)
    for path, node in nodes.items():
        snap = rows[path]
        summary = cube.node_summary(path, dt.date(day.year, 1, 1), day)
        figures = indicators.figures_as_of(node, day)
        assert snap.members == summary["total_net"]
        assert (
            snap.members
            == Member.objects.filter(union__path__startswith=path, status__in=HELD_STATUSES).count()
        )
        assert snap.grassroots_unions == figures["grassroots_unions"]
        assert snap.indicators == {
            i["code"]: {
                "name": i["name"],
                "num": i["total"]["num"],
                "den": i["total"]["den"],
                "per": i["per"],
            }
            for i in figures["indicators"]
        }
    top = rows[province.unions["province"].path]
    assert (top.members, top.migrant_members, top.new_form_members) == (4, 1, 1)
    assert Province.objects.get(code="34").name == "安徽省"


def test_publishing_the_same_day_again_replaces_its_rows(province):
    day = timezone.localdate()
    publish_snapshot(day)
    publish_snapshot(day)
    assert NodeSnapshot.objects.filter(as_of=day, depth=0).count() == 1


def test_rollup_is_the_sum_of_the_provinces(province, national, settings):
    day = timezone.localdate()
    publish_snapshot(day)
    # A second province publishing into the same table (as the national instance's subscriptions do).
    call_command("load_regions", province="32", verbosity=0, stdout=io.StringIO())
    settings.GONGHUI_PROVINCE_CODE = "32"
    publish_snapshot(day)
    tops = list(NodeSnapshot.objects.filter(as_of=day, depth=0).order_by("province_code"))
    assert [t.province_code for t in tops] == ["32", "34"]
    data = rollup(day)
    assert [r["name"] for r in data["rows"]] == ["江苏省", "安徽省"]
    assert data["total"]["members"] == sum(t.members for t in tops) == 8
    assert data["total"]["grassroots_unions"] == sum(t.grassroots_unions for t in tops)
    for code, ind in data["indicators"].items():
        assert ind["num"] == sum(t.indicators[code]["num"] for t in tops)
        assert ind["den"] == sum(t.indicators[code]["den"] for t in tops)
    assert data["hashes"] == 4  # digests were kept under 34 only (the joins ran before the switch)
    # A day before any publication: nothing to sum.
    assert rollup(day - dt.timedelta(days=1))["total"]["members"] == 0


def test_publishing_without_a_province_code_is_refused(registry, settings):
    settings.GONGHUI_PROVINCE_CODE = ""
    with pytest.raises(PublishError, match="GONGHUI_PROVINCE_CODE"):
        publish_snapshot()
    assert not NodeSnapshot.objects.exists()
