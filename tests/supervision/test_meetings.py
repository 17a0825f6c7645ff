"""The meetings register's indicators on a hand-built year with a known answer, as of today's end of that
year and as of earlier days (a meeting recorded later does not count), through the services and the
indicator computation every page uses."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg
from gonghui.supervision import meetings
from gonghui.supervision.models import Meeting
from gonghui.targets import indicators
from gonghui.targets.services import seed_reference

pytestmark = pytest.mark.django_db

Y = 2025
JOINT, OPENNESS, TRIPARTITE = Meeting.Kind.JOINT, Meeting.Kind.OPENNESS, Meeting.Kind.TRIPARTITE


def held(union, kind, day, recorded=None, solved=0, raised=None):
    """A meeting held on ``day`` and recorded (``created_at``) on ``recorded`` (default: the same day)."""
    meeting = meetings.record_meeting(
        union,
        meetings.MeetingInput(
            kind=kind,
            held_on=day,
            title=f"{union.name}{kind.label}",
            issues_raised=solved if raised is None else raised,
            issues_solved=solved,
        ),
    )
    at = timezone.make_aware(dt.datetime.combine(recorded or day, dt.time(18, 0)))
    Meeting.objects.filter(pk=meeting.pk).update(created_at=at)
    return meeting


@pytest.fixture
def year(registry):
    """镜湖区: every rule met. 鸠江区: a joint meeting that solved nothing, 三方四家 in Q1 and Q2 only, a
    厂务公开 meeting held in September but entered on 20 December. 经开区 (a zone under the city, county-level):
    a joint meeting in April solving one issue, entered on 15 October."""
    u = registry.unions
    d = dt.date
    # The registry's unions carry no founding date (entered today): as of Y they must have existed.
    UnionOrg.objects.filter(pk__in=[u[k].pk for k in ("jinghu", "jiujiang", "zone")]).update(
        founded_on=d(2000, 1, 1)
    )
    held(u["jinghu"], JOINT, d(Y, 3, 10), recorded=d(Y, 3, 12), solved=2)
    held(u["jinghu"], OPENNESS, d(Y, 5, 1))
    for month in (2, 5, 8, 11):
        held(u["jinghu"], TRIPARTITE, d(Y, month, 15))
    held(u["jiujiang"], JOINT, d(Y, 6, 1), raised=2, solved=0)
    held(u["jiujiang"], TRIPARTITE, d(Y, 1, 20))
    held(u["jiujiang"], TRIPARTITE, d(Y, 4, 20))
    held(u["jiujiang"], OPENNESS, d(Y, 9, 1), recorded=d(Y, 12, 20))
    held(u["zone"], JOINT, d(Y, 4, 1), recorded=d(Y, 10, 15), solved=1)
    # Another year's meetings never count for Y.
    held(u["jiujiang"], JOINT, d(Y - 1, 12, 30), solved=2)
    return registry


def totals(node, day):
    return {
        code: meetings.by_sub_unit(node, day, kind)[""]
        for code, (kind, _name, _d) in meetings.DEFINITIONS.items()
    }


def test_the_year_end_answer(year):
    wuhu = year.unions["wuhu"]
    assert totals(wuhu, dt.date(Y, 12, 31)) == {
        "meeting_joint": (2, 3),  # 镜湖 and 经开区; 鸠江's joint meeting solved nothing
        "meeting_openness": (2, 3),  # 镜湖, 鸠江 (entered in December)
        "meeting_tripartite": (1, 3),  # only 镜湖 met in all four quarters
    }


def test_as_of_a_past_day_counts_only_meetings_held_and_recorded_by_then(year):
    wuhu = year.unions["wuhu"]
    assert totals(wuhu, dt.date(Y, 9, 30)) == {
        "meeting_joint": (1, 3),  # 经开区's April meeting was entered on 15 October
        "meeting_openness": (1, 3),  # 鸠江's September meeting was entered on 20 December
        "meeting_tripartite": (1, 3),  # quarters 1–3: 鸠江 missed Q3
    }
    assert totals(wuhu, dt.date(Y, 6, 30))["meeting_tripartite"] == (2, 3)  # Q1 and Q2 only
    assert totals(wuhu, dt.date(Y, 3, 11)) == {
        "meeting_joint": (0, 3),  # 镜湖's meeting of 10 March was entered on the 12th
        "meeting_openness": (0, 3),
        "meeting_tripartite": (2, 3),  # Q1 so far: 镜湖 (15 February) and 鸠江 (20 January)
    }


def test_quarters_begun_so_far(year):
    wuhu = year.unions["wuhu"]
    # On 10 March only Q1 has begun: 镜湖 (15 Feb) and 鸠江 (20 Jan) have held theirs.
    assert totals(wuhu, dt.date(Y, 3, 10))["meeting_tripartite"] == (2, 3)
    # On 1 April Q2 has begun and nobody has met in it yet.
    assert totals(wuhu, dt.date(Y, 4, 1))["meeting_tripartite"] == (0, 3)


def test_rows_by_sub_unit_from_the_province_and_from_a_county(year):
    u = year.unions
    day = dt.date(Y, 12, 31)
    by_city = meetings.by_sub_unit(u["province"], day, JOINT)
    assert by_city[u["wuhu"].path] == (2, 3) and by_city[""] == (2, 3)
    assert u["hefei"].path not in by_city  # no county-level union there
    own = meetings.by_sub_unit(u["jinghu"], day, JOINT)
    assert own == {"": (1, 1)}  # the county itself; its townships are not county-level


def test_the_indicators_join_the_others_on_the_page_computation(year):
    seed_reference()
    codes = set(meetings.DEFINITIONS)
    assert codes <= set(indicators.DEFINITIONS)
    figures = indicators.compute(year.unions["wuhu"], dt.date(Y, 9, 30))
    got = {i["code"]: i for i in figures["indicators"] if i["code"] in codes}
    assert set(got) == codes
    joint = got["meeting_joint"]
    assert (joint["total"]["num"], joint["total"]["den"], joint["total"]["rate"]) == (1, 3, 33.3)
    assert joint["total"]["below"] is True and joint["threshold"] == 100.0
    rows = {r["name"]: (r["num"], r["den"]) for r in joint["rows"]}
    assert rows["镜湖区总工会"] == (1, 1) and rows["鸠江区总工会"] == (0, 1)
    assert rows["芜湖经济技术开发区总工会"] == (0, 1)
    later = indicators.compute(year.unions["wuhu"], dt.date(Y, 12, 31))
    zone = next(
        r
        for i in later["indicators"]
        if i["code"] == "meeting_joint"
        for r in i["rows"]
        if r["name"] == "芜湖经济技术开发区总工会"
    )
    assert (zone["num"], zone["den"]) == (1, 1)


def test_record_refuses_bad_input_and_writes_nothing(registry):
    jinghu = registry.unions["jinghu"]
    before = AuditEvent.objects.count()
    bad = [
        meetings.MeetingInput(
            kind=JOINT, held_on=dt.date(Y, 1, 1), title="联席", issues_raised=1, issues_solved=2
        ),
        meetings.MeetingInput(kind=JOINT, held_on=timezone.localdate() + dt.timedelta(days=1), title="未来"),
        meetings.MeetingInput(kind="other", held_on=dt.date(Y, 1, 1), title="联席"),
        meetings.MeetingInput(kind=JOINT, held_on=dt.date(Y, 1, 1), title="  "),
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            meetings.record_meeting(jinghu, data, actor=registry.users["jinghu"])
    # A township or the city does not keep the register; a sibling cannot record for another county.
    with pytest.raises(ValidationError):
        meetings.record_meeting(
            registry.unions["wuhu"], meetings.MeetingInput(kind=JOINT, held_on=dt.date(Y, 1, 1), title="市")
        )
    with pytest.raises(PermissionDenied):
        meetings.record_meeting(
            jinghu,
            meetings.MeetingInput(kind=JOINT, held_on=dt.date(Y, 1, 1), title="越权"),
            actor=registry.users["jiujiang"],
        )
    assert not Meeting.objects.exists() and AuditEvent.objects.count() == before


def test_record_edit_delete_write_their_audit_rows(registry):
    user = registry.users["jinghu"]
    data = meetings.MeetingInput(
        kind=JOINT, held_on=dt.date(Y, 3, 1), title="镜湖区联席会议", issues_raised=2
    )
    meeting = meetings.record_meeting(registry.unions["jinghu"], data, actor=user, ip="10.1.1.1")
    rows = AuditEvent.objects.filter(object_type="supervision.meeting", object_id=str(meeting.pk))
    created = rows.get(action=AuditEvent.Action.CREATE)
    assert created.user == user and created.ip == "10.1.1.1" and "联席会议" in created.detail
    changed = meetings.MeetingInput(
        kind=JOINT, held_on=dt.date(Y, 3, 1), title="镜湖区联席会议", issues_raised=2, issues_solved=1
    )
    meetings.update_meeting(meeting, changed, actor=user)
    assert "解决问题数" in rows.get(action=AuditEvent.Action.UPDATE).detail
    with pytest.raises(PermissionDenied):
        meetings.delete_meeting(meeting, actor=registry.users["jiujiang"])
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    meetings.delete_meeting(meeting, actor=user)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert rows.filter(action=AuditEvent.Action.DELETE, user=user).count() == 1


def test_the_demo_year_leaves_gaps(registry):
    from types import SimpleNamespace

    from gonghui.supervision.meetings_demo import load_meetings

    today = timezone.localdate()
    made = load_meetings(SimpleNamespace(unions={"wuhu": registry.unions["wuhu"]}), today)
    assert made["meetings"] == Meeting.objects.count() > 0
    assert not Meeting.objects.filter(held_on__gt=today).exists()
    assert all(m.minutes_name for m in Meeting.objects.filter(kind=JOINT))
    wuhu = registry.unions["wuhu"]
    # 经开区 (third) holds no 厂务公开 meeting; 鸠江区 (second) has not held this quarter's 三方四家 yet.
    assert meetings.by_sub_unit(wuhu, today, OPENNESS)[""] == (2, 3)
    assert meetings.by_sub_unit(wuhu, today, TRIPARTITE)[""] == (2, 3)


def test_many_nodes_at_once_answer_as_each_node_alone(year):
    """The daily refresh asks once for every federation node (``by_sub_unit_many``): each node's answer
    equals its own ``by_sub_unit``, for every kind and day."""
    u = year.unions
    nodes = [u[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "zone")]
    for day in (dt.date(Y, 3, 11), dt.date(Y, 9, 30), dt.date(Y, 12, 31)):
        for kind in (JOINT, OPENNESS, TRIPARTITE):
            many = meetings.by_sub_unit_many(nodes, day, kind)
            for node in nodes:
                assert many[node.pk] == meetings.by_sub_unit(node, day, kind), (node.name, day, kind)
    assert meetings.by_sub_unit_many(nodes, dt.date(Y, 12, 31), JOINT)[u["province"].pk][""] == (2, 3)
