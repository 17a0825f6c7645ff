"""Training: person-times per county and kind against the kinds' targets as of a day, the indicator built
on them, the cadres' five-year rule at its boundaries, the roster found by ID hash (member, non-member,
mismatch), the steps' events and audit rows."""

import datetime as dt

import pytest
from django.db import transaction

from gonghui.core.models import AuditEvent, Setting
from gonghui.core.normalize import normalize_resident_id
from gonghui.people.models import UnionWorker
from gonghui.targets import indicators
from gonghui.training import progress, services, settings
from gonghui.training.models import Attendee, SessionStatus, TrainingKind
from gonghui.training.reference import seed_reference
from tests.factories import build_registry, make_id
from tests.people.helpers import hire
from tests.training.helpers import count_session, kind, roster_session


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_reference()
        reg = build_registry()
        yield reg
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


def person(seq: int, name: str, address="340207") -> services.Person:
    return services.Person(normalize_resident_id(make_id(address, dt.date(1988, 8, 8), seq)), name)


def test_person_times_per_county_and_kind_are_exact_as_of_a_day(w):
    u = w.unions
    count_session(u["jinghu"], end=dt.date(2026, 3, 10), headcount=300)
    count_session(u["jinghu_street"], end=dt.date(2026, 6, 30), headcount=250)  # under 镜湖区: its county
    count_session(u["jiujiang"], end=dt.date(2026, 6, 30), headcount=120)
    count_session(u["jiujiang"], code="culture_sports", end=dt.date(2026, 5, 1), headcount=80)
    count_session(u["jiujiang"], end=dt.date(2025, 12, 31), headcount=900)  # last year: not this year's
    count_session(u["wuhu"], end=dt.date(2026, 4, 1), headcount=150)  # the city's: no county's
    cancelled = count_session(u["jiujiang"], end=dt.date(2026, 2, 1), headcount=400)
    services.cancel(cancelled, note="重复登记")
    reps, culture = kind("worker_reps"), kind("culture_sports")

    def figures(day):
        result = progress.person_times(u["wuhu"], day)
        return {row.county.name: (row.of(reps), row.of(culture)) for row in result.rows}, result.above

    on_day, above = figures(dt.date(2026, 6, 30))
    assert on_day == {"镜湖区总工会": (550, 0), "鸠江区总工会": (120, 80), "芜湖经济技术开发区总工会": (0, 0)}
    assert above == {reps.pk: 150}
    # The day before the two sessions ending on 30 June: exact for that day.
    day_before, _ = figures(dt.date(2026, 6, 29))
    assert day_before["镜湖区总工会"] == (300, 0) and day_before["鸠江区总工会"] == (0, 80)
    last_year, _ = figures(dt.date(2025, 12, 31))
    assert last_year["鸠江区总工会"] == (900, 0)
    # A county sees its own figures only.
    assert [r.county.name for r in progress.person_times(u["jiujiang"], dt.date(2026, 6, 30)).rows] == [
        "鸠江区总工会"
    ]


def test_the_indicator_counts_each_kind_up_to_its_target_and_the_target_is_data(w):
    u = w.unions
    count_session(u["jinghu"], end=dt.date(2026, 3, 10), headcount=600)  # above 500: counts 500
    count_session(u["jiujiang"], end=dt.date(2026, 3, 10), headcount=300)
    count_session(u["jiujiang"], code="culture_sports", end=dt.date(2026, 3, 10), headcount=500)
    day = dt.date(2026, 12, 31)
    # Three counties (镜湖, 鸠江, 经开区) × (500 职工代表 + 500 文体骨干).
    assert progress.by_sub_unit(u["wuhu"], day) == {
        "": (500 + 300 + 500, 3000),
        u["jinghu"].path: (500, 1000),
        u["jiujiang"].path: (800, 1000),
        u["zone"].path: (0, 1000),
    }
    assert indicators.PROVIDERS["training_person_times"] is progress.by_sub_unit
    # The daily refresh asks once for every node: each node's answer equals its own.
    nodes = [u[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "zone", "jinghu_street")]
    many = progress.by_sub_unit_many(nodes, day)
    assert many[u["wuhu"].pk][""] == (1300, 3000)
    for node in nodes:
        assert many[node.pk] == progress.by_sub_unit(node, day), node.name
    name, definition = indicators.DEFINITIONS["training_person_times"]
    assert name == "培训人次目标完成率" and definition.threshold == 100
    # The federation raises 职工代表 to 600 a county: 镜湖区 is then exactly at target.
    TrainingKind.objects.filter(code="worker_reps").update(yearly_target=600)
    assert progress.by_sub_unit(u["wuhu"], day)[u["jinghu"].path] == (600, 1100)


def test_many_nodes_with_a_county_inside_a_county_are_counted_node_by_node(w):
    """A county-level union inside another (registered so): its sessions go to the outer county when that
    is in the subtree, to itself when not — the many-node answer keeps that, node by node."""
    from gonghui.orgs.models import UnionKind, UnionOrg

    u = w.unions
    inner = UnionOrg.objects.create(
        name="镜湖区内县级工会", kind=UnionKind.COUNTY, parent=u["jinghu_street"], region=u["jinghu"].region
    )
    count_session(inner, end=dt.date(2026, 3, 10), headcount=200)
    day = dt.date(2026, 12, 31)
    nodes = [u["province"], u["wuhu"], u["jinghu"], u["jinghu_street"]]
    many = progress.by_sub_unit_many(nodes, day)
    assert many[u["jinghu_street"].pk][""] == (200, 1000)  # the inner county on its own
    assert many[u["jinghu"].pk][""] == (200, 2000)  # the outer county takes its sessions
    for node in nodes:
        assert many[node.pk] == progress.by_sub_unit(node, day), node.name


def test_the_indicator_is_listed_with_the_others(w, as_user):
    count_session(w.unions["jiujiang"], end=dt.date(2026, 3, 10), headcount=250)
    indicators.seed_indicators()
    body = as_user("wuhu").get(f"/api/v1/unions/{w.unions['wuhu'].pk}/indicators?as_of=2026-06-30").json()
    row = next(r for r in body["indicators"] if r["code"] == "training_person_times")
    assert (row["total"]["num"], row["total"]["den"], row["total"]["below"]) == (250, 3000, True)
    assert {r["name"]: r["num"] for r in row["rows"]}["鸠江区总工会"] == 250


def test_cadres_last_trained_and_the_five_year_rule_at_its_boundaries(w):
    u = w.unions
    trained_on = dt.date(2021, 3, 10)
    a = hire(u["jiujiang"], 801, start=dt.date(2019, 1, 1))
    b = hire(u["jiujiang"], 802, start=dt.date(2019, 1, 1))
    never = hire(u["jiujiang"], 803, start=dt.date(2019, 1, 1))
    roster_session(u["jiujiang"], [a], code="cadre_rotation", end=trained_on)
    roster_session(u["jiujiang"], [b], code="cadre_rotation", end=dt.date(2024, 2, 29))
    # A non-cadre kind, and a cancelled rotation, are no cadre's training.
    roster_session(u["jiujiang"], [never], code="worker_reps", end=dt.date(2025, 5, 5))
    services.cancel(roster_session(u["jiujiang"], [never], code="cadre_rotation", end=dt.date(2025, 6, 6)))

    def state(day):
        return {c.worker.pk: (c.last_trained, c.overdue) for c in progress.cadres(u["jiujiang"], day)}

    exactly = state(dt.date(2026, 3, 10))  # five years to the day: still current
    assert exactly[a.pk] == (trained_on, False)
    assert exactly[never.pk] == (None, True)
    assert state(dt.date(2026, 3, 11))[a.pk] == (trained_on, True)  # one day more: overdue
    # Trained on 29 February: five years later the 28th is the boundary (no 29th in 2029).
    assert state(dt.date(2029, 2, 28))[b.pk] == (dt.date(2024, 2, 29), False)
    assert state(dt.date(2029, 3, 1))[b.pk][1] is True
    # As of a day before the training, it did not happen yet.
    assert state(dt.date(2021, 3, 9))[a.pk] == (None, True)
    # The period is a setting.
    Setting.put(settings.RETRAIN_YEARS, 6)
    assert state(dt.date(2026, 3, 11))[a.pk] == (trained_on, False)
    Setting.objects.filter(key=settings.RETRAIN_YEARS).delete()
    counts = {c.county.name: c for c in progress.cadre_counts(u["wuhu"], dt.date(2026, 3, 11))}
    assert (counts["鸠江区总工会"].total, counts["鸠江区总工会"].overdue, counts["鸠江区总工会"].never) == (
        3,
        2,
        1,
    )
    # A cadre who has left is not counted on a later day.
    from gonghui.people import services as people_services

    people_services.leave(never, dt.date(2026, 1, 1))
    assert never.pk not in state(dt.date(2026, 3, 11))
    assert UnionWorker.objects.filter(pk=never.pk).exists()


def test_roster_lines_are_found_by_id_hash_member_or_not(w):
    session = roster_session(w.unions["jiujiang"], actor=w.users["jiujiang"])
    member = w.members["jiujiang_1"]
    stranger = person(901, "陌生人")
    made = services.add_attendees(
        session,
        [services.Person(normalize_resident_id(member.id_number), member.name), stranger],
        actor=w.users["jiujiang"],
    )
    found, outsider = made
    assert found.member_id == member.pk and outsider.member is None
    # The non-member is held as members are: encrypted, hashed, masked; no plaintext stored.
    row = Attendee.objects.filter(pk=outsider.pk).values().get()
    assert stranger.resident_id.number not in str(row)
    assert (
        outsider.id_masked == stranger.resident_id.number[:6] + "********" + stranger.resident_id.number[-4:]
    )
    assert Attendee.objects.get(pk=outsider.pk).id_number == stranger.resident_id.number
    session.refresh_from_db()
    assert session.person_times == 2
    # Once per session; an ID naming a member of another name is refused (the name is not said).
    with pytest.raises(services.TrainingError, match="已在本期培训名单中"):
        services.add_attendees(session, [stranger])
    with pytest.raises(services.TrainingError, match="姓名与所填姓名不一致") as refused:
        other = w.members["jiujiang_2"]
        services.add_attendees(session, [services.Person(normalize_resident_id(other.id_number), "别人")])
    assert w.members["jiujiang_2"].name not in str(refused.value)
    assert session.attendees.count() == 2
    # A head-count session takes no roster, a roster session no head count.
    counted = count_session(w.unions["jiujiang"])
    with pytest.raises(services.TrainingError, match="按人数登记"):
        services.add_attendees(counted, [stranger])
    with pytest.raises(services.TrainingError, match="按名单登记"):
        services.set_headcount(session, 5)
    # Removing a line recounts.
    services.remove_attendee(outsider, actor=w.users["jiujiang"])
    session.refresh_from_db()
    assert session.person_times == 1


def test_each_step_writes_its_event_and_audit_row(w):
    actor = w.users["jiujiang"]
    session = count_session(w.unions["jiujiang"], actor=actor, headcount=10)
    services.set_headcount(session, 25, actor=actor)
    services.cancel(session, actor=actor, note="误登记")
    session.refresh_from_db()
    assert (session.status, session.person_times) == (SessionStatus.CANCELLED, 25)
    assert list(session.events.order_by("id").values_list("action", flat=True)) == [
        "登记",
        "登记人数",
        "撤销",
    ]
    audits = AuditEvent.objects.filter(object_type="training.trainingsession", object_id=str(session.pk))
    assert sorted(audits.values_list("action", flat=True)) == ["create", "update", "update"]
    with pytest.raises(services.TrainingError, match="已撤销"):
        services.set_headcount(session, 30, actor=actor)
    with pytest.raises(services.TrainingError, match="已撤销"):
        services.cancel(session)
    assert session.events.count() == 3


def test_a_session_is_checked_before_it_is_saved(w):
    from gonghui.training.models import TrainingSession

    def draft(**changes):
        base = dict(
            title="测试班",
            kind=kind("worker_reps"),
            organiser=w.unions["jiujiang"],
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 3, 2),
            place="培训中心",
        )
        return TrainingSession(**{**base, **changes})

    for changes, reason in [
        ({"end_date": dt.date(2026, 2, 1)}, "结业日期不能早于开班日期"),
        ({"end_date": dt.date.today() + dt.timedelta(days=2), "start_date": dt.date.today()}, "晚于今天"),
        ({"place": ""}, "请填写培训地点"),
    ]:
        with pytest.raises(services.TrainingError, match=reason):
            services.save_session(draft(**changes))
    assert not TrainingSession.objects.filter(title="测试班").exists()
    # A roster session with people cannot become a head-count one.
    session = roster_session(w.unions["jiujiang"], [w.members["jiujiang_1"]])
    session.mode = "count"
    with pytest.raises(services.TrainingError, match="不能改为按人数登记"):
        services.save_session(session)
