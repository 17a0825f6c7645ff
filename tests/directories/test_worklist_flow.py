"""The unorganised list's loop (issue 12 points 3–5): listed → claimed → visited → founded, and the
figures that move with it the same day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.directories import worklist
from gonghui.directories.models import ListItem, ListItemEvent
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.targets import indicators, progress
from gonghui.targets.services import save_plan
from tests.directories.worklist_helpers import make_entry
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def item_of(entry) -> ListItem:
    return ListItem.objects.get(entry=entry)


def test_refresh_lists_each_uncovered_registrant_once(registry):
    w = registry.workplaces
    new = make_entry(registry, "鸠江新开科技有限公司", uscc=make_uscc(501, "340207"), employees=300)
    # The same registrant in a second source: one item, not two.
    make_entry(registry, "鸠江新开科技有限公司", uscc=make_uscc(501, "340207"), source="tax")
    unorganised = make_entry(registry, "鸠江未建会公司", workplace=w["jiujiang_none"])
    organised = make_entry(registry, "鸠江乙公司", workplace=w["jiujiang_b"])
    closed = make_entry(registry, "鸠江注销公司", is_closed=True, registration_status="注销")

    first = worklist.refresh_list()
    again = worklist.refresh_list()

    assert first.listed == 2 and again.listed == 0
    assert set(ListItem.objects.values_list("entry", flat=True)) == {new.pk, unorganised.pk}
    assert not ListItem.objects.filter(entry__in=[organised, closed]).exists()
    assert item_of(unorganised).territory == w["jiujiang_none"].governing_union
    assert ListItemEvent.objects.filter(action="列入清单").count() == 2


def test_claim_visit_found_moves_target_progress_and_coverage_the_same_day(registry):
    indicators.seed_indicators()
    today = timezone.localdate()
    jiujiang = registry.unions["jiujiang"]
    plan = save_plan(
        issuer=registry.unions["wuhu"], year=today.year, title="组建目标", rows=[(jiujiang, {"founded": 5})]
    )
    entry = make_entry(registry, "鸠江新开科技有限公司", uscc=make_uscc(502, "340207"), employees=80)
    worklist.refresh_list()
    item = item_of(entry)
    user = registry.users["jiujiang"]

    def founded_actual() -> int:
        rows = progress.compute(plan, today)["rows"]
        return next(r for r in rows if r["union_id"] == jiujiang.pk)["cells"]["founded"]["actual"]

    def coverage_25() -> tuple[int, int]:
        figures = indicators.compute(jiujiang)
        total = next(i for i in figures["indicators"] if i["code"] == "coverage_25plus")["total"]
        return total["num"], total["den"]

    founded_before, (cov_before, den_before) = founded_actual(), coverage_25()

    worklist.claim(item, actor=user, due_on=today + dt.timedelta(days=30))
    worklist.record_visit(
        item, worklist.VisitInput(today, "李干事、王干事", "agreed", "企业同意建会"), actor=user
    )
    worklist.close_founded(item, actor=user)

    item.refresh_from_db()
    workplace = Workplace.objects.get(uscc=entry.uscc)  # entered from the entry in one step
    union = item.founded_union
    assert item.status == ListItem.Status.CLOSED and item.outcome == ListItem.Outcome.FOUNDED
    assert union.kind == UnionKind.COMMITTEE and union.parent == jiujiang and union.founded_on == today
    assert list(union.workplaces.all()) == [workplace]
    assert workplace.employee_count == 80 and workplace.states.count() == 1
    assert founded_actual() == founded_before + 1
    assert coverage_25() == (cov_before + 1, den_before + 1)
    actions = list(item.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("列入清单", "", "open"),
        ("领单", "open", "claimed"),
        ("走访", "claimed", "claimed"),
        ("销号", "claimed", "closed"),
    ]
    audited = AuditEvent.objects.filter(object_type="directories.listitem", object_id=str(item.pk))
    assert audited.count() == 3
    assert AuditEvent.objects.filter(object_type="orgs.unionorg", object_id=str(union.pk)).exists()


def test_founding_with_an_existing_union_links_it_and_a_closed_item_takes_no_more_steps(registry):
    entry = make_entry(registry, "鸠江未建会公司", workplace=registry.workplaces["jiujiang_none"])
    worklist.refresh_list()
    item, user = item_of(entry), registry.users["jiujiang"]
    joint = registry.unions["jiujiang_joint"]
    worklist.close_joint(item, actor=user, union=joint)
    item.refresh_from_db()
    assert item.outcome == ListItem.Outcome.JOINT and item.founded_union == joint
    assert joint.workplaces.filter(pk=registry.workplaces["jiujiang_none"].pk).exists()
    with pytest.raises(ValidationError):
        worklist.claim(item, actor=user)
    assert item.events.count() == 2


def test_not_eligible_needs_a_reason(registry):
    entry = make_entry(registry, "鸠江小作坊", employees=6)
    worklist.refresh_list()
    item, user = item_of(entry), registry.users["jiujiang"]
    for reason, note in (("", ""), ("bogus", ""), ("other", "  ")):
        with pytest.raises(ValidationError):
            worklist.close_not_eligible(item, actor=user, reason=reason, note=note)
    item.refresh_from_db()
    assert item.status == ListItem.Status.OPEN and item.events.count() == 1

    worklist.close_not_eligible(item, actor=user, reason="too_few", note="仅 6 人")
    item.refresh_from_db()
    assert (item.status, item.outcome, item.ineligible_reason) == ("closed", "not_eligible", "too_few")
    assert item.events.last().detail == "不具备建会条件：职工人数不足，仅 6 人"


def test_refresh_ticks_off_an_item_whose_workplace_got_a_union_elsewhere(registry):
    w = registry.workplaces["jiujiang_none"]
    entry = make_entry(registry, "鸠江未建会公司", workplace=w)
    worklist.refresh_list()
    union = UnionOrg.objects.create(
        name="鸠江未建会公司工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=registry.unions["jiujiang"],
        region=w.region,
    )
    union.workplaces.set([w])
    assert worklist.refresh_list().ticked_off == 1
    item = item_of(entry)
    assert (item.status, item.outcome, item.founded_union) == ("closed", "founded", union)
    assert item.events.last().detail.startswith("对账销号")
