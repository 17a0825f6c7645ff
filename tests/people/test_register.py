"""The union-staff register: hiring once per person, the steps with their events and audit rows, the cap
on the top appraisal grade (refused with the figures; a union's own cap), and the staffing rules as of a
day with the indicator built on them."""

import datetime as dt

import pytest
from django.db import transaction

from gonghui.core.models import AuditEvent, Setting
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.people import services, settings, staffing
from gonghui.people.models import Appraisal, AppraisalGrade, SubsidyGrade, WorkerStatus
from gonghui.people.reference import seed_reference
from tests.factories import build_registry
from tests.people.helpers import hire


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_reference()
        reg = build_registry()
        reg.workers = [hire(reg.unions["jiujiang"], i) for i in range(1, 6)]  # five at 鸠江区总工会
        yield reg
        transaction.set_rollback(True)


@pytest.fixture
def db_world(world, db):
    return world


def test_one_person_once_and_the_record_derived_from_the_id(db_world):
    worker = db_world.workers[0]
    assert worker.id_masked.startswith("340207") and "*" in worker.id_masked
    assert worker.birth_date == dt.date(1990, 1, 2) and worker.sex == "M"
    # Where the person is registered is named only to a viewer whose subtree holds the row.
    with pytest.raises(services.StaffError, match="已在名册中（鸠江区总工会，社会化工会工作者，在岗）"):
        hire(db_world.unions["jiujiang"], 1, actor=db_world.users["wuhu"])
    with pytest.raises(services.StaffError, match="管辖范围以外"):
        hire(db_world.unions["jinghu"], 1, actor=db_world.users["jinghu"])
    assert worker.events.get().action == "聘用"
    assert AuditEvent.objects.filter(
        object_type="people.unionworker", object_id=str(worker.pk), action="create"
    ).exists()


def test_steps_write_events_and_refuse_what_the_state_forbids(db_world):
    worker = hire(db_world.unions["jinghu"], 40, address="340202", probation_end=dt.date(2024, 9, 1))
    assert worker.status == WorkerStatus.PROBATION
    services.pass_probation(worker, dt.date(2024, 9, 1))
    with pytest.raises(services.StaffError, match="不能办理转正"):
        services.pass_probation(worker, dt.date(2024, 9, 2))
    services.change_grade(worker, SubsidyGrade.objects.get(code="g3"), dt.date(2025, 1, 1))
    services.leave(worker, dt.date(2025, 6, 30), note="辞职")
    with pytest.raises(services.StaffError, match="已离岗"):
        services.leave(worker, dt.date(2025, 7, 1))
    assert list(worker.events.values_list("action", flat=True)) == ["离岗", "调整补贴档次", "转正", "聘用"]
    worker.refresh_from_db()
    assert (worker.status, worker.left_on, worker.grade.code) == ("left", dt.date(2025, 6, 30), "g3")


def test_top_grade_cap_refuses_with_the_figures_and_a_union_may_set_its_own(db_world):
    top, fair = AppraisalGrade.objects.get(code="excellent"), AppraisalGrade.objects.get(code="competent")
    county = db_world.unions["jiujiang"]
    w = db_world.workers
    services.appraise(w[0], 2024, top, county)  # 5 appraised × 20 % = 1 place
    with pytest.raises(services.StaffError) as refused:
        services.appraise(w[1], 2024, top, county)
    assert str(refused.value) == (
        "「鸠江区总工会」2024 年度参加考核 5 人，「优秀」比例上限 20%，最多 1 人，已评定 1 人，不能再评定「优秀」"
    )
    assert not Appraisal.objects.filter(worker=w[1]).exists()
    services.appraise(w[1], 2024, fair, county)
    # Correcting the holder of the place keeps it; the city's own cap (40 %) covers 鸠江区 below it.
    services.appraise(w[0], 2024, top, county, note="复核")
    Setting.put(f"{settings.TOP_SHARE}.{db_world.unions['wuhu'].pk}", 40)
    services.appraise(w[1], 2024, top, county)
    assert Appraisal.objects.filter(appraiser=county, year=2024, grade=top).count() == 2
    with pytest.raises(services.StaffError, match="须为「鸠江区总工会」或其上级工会"):
        services.appraise(w[2], 2024, fair, db_world.unions["jinghu"])


def test_staffing_rules_as_of_a_day_and_the_indicator(db_world):
    reg = db_world
    street, jinghu = reg.unions["jinghu_street"], reg.unions["jinghu"]
    day = dt.date(2025, 6, 30)
    UnionOrg.objects.filter(pk=street.pk).update(founded_on=dt.date(2012, 1, 1))
    # 方村街道: 1 enterprise of 120 → below both thresholds; raise its workers to 2,000 → needs one.
    s = staffing.compute(jinghu, day)
    assert [(u.union.name, u.needs) for u in s.territorial] == [("镜湖区方村街道总工会", False)]
    assert s.workplace == []  # 镜湖甲公司 120 < 200
    Workplace.objects.filter(pk=reg.workplaces["jinghu_a"].pk).update(employee_count=2000)
    s = staffing.compute(jinghu, day)
    assert [u.union.name for u in s.lacking] == ["镜湖区方村街道总工会", "镜湖甲公司工会委员会"]
    # A cadre at the street from 2025-07-01: not yet on the day, counted after it.
    hire(street, 60, post="full_time_cadre", start=dt.date(2025, 7, 1), address="340202")
    assert len(staffing.compute(jinghu, day).lacking) == 2
    later = staffing.compute(jinghu, dt.date(2025, 7, 1))
    assert [u.union.name for u in later.lacking] == ["镜湖甲公司工会委员会"]
    # The enterprise threshold (a setting): 1 enterprise ≥ 1 also needs one.
    Setting.put(settings.TOWNSHIP_WORKERS, 5000)
    Setting.put(settings.TOWNSHIP_ENTERPRISES, 1)
    assert staffing.compute(jinghu, day).territorial[0].needs
    # The indicator: per direct sub-unit of 芜湖市 and for the city itself.
    figures = staffing.by_sub_unit(reg.unions["wuhu"], dt.date(2025, 7, 1))
    assert figures[""] == (1, 2) and figures[jinghu.path] == (1, 2)
    # The daily refresh asks once for every node: each node's answer equals its own.
    nodes = [reg.unions[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "jinghu_street")]
    many = staffing.by_sub_unit_many(nodes, dt.date(2025, 7, 1))
    assert many[reg.unions["wuhu"].pk] == figures
    for node in nodes:
        assert many[node.pk] == staffing.by_sub_unit(node, dt.date(2025, 7, 1)), node.name
    # New staff by post in a period.
    assert staffing.new_staff(jinghu, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == [("专职工会干部", 1)]
    assert UnionOrg.objects.filter(kind=UnionKind.TOWNSHIP).count() == 1
