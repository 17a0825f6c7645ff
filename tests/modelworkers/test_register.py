"""The model-worker register: one person once (ID hash unique, named only inside the viewer's subtree),
titles once per kind, level and year, services, studios whose members lie in the keeping union's subtree,
each step with its event and audit row; the yearly figures."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.models import AuditEvent
from gonghui.modelworkers import services
from gonghui.modelworkers.models import ModelWorker, Service, ServiceKind, Studio, Title
from tests.factories import build_registry
from tests.modelworkers.helpers import register, title


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        reg = build_registry()
        reg.person = register(reg.unions["jiujiang"], 1, [title("labour_model", "province", 2020)])
        yield reg
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


def test_one_person_once_and_where_is_named_only_inside_the_subtree(w):
    person = w.person
    assert person.id_masked.startswith("340207") and "*" in person.id_masked
    assert person.birth_date == dt.date(1975, 1, 2) and person.id_number not in person.id_masked
    with pytest.raises(services.RegisterError, match="已在劳模工匠人才库中（鸠江区总工会）"):
        register(w.unions["jiujiang"], 1, actor=w.users["wuhu"])
    with pytest.raises(services.RegisterError, match="管辖范围以外"):
        register(w.unions["jinghu"], 1, actor=w.users["jinghu"])
    assert ModelWorker.objects.filter(id_hash=person.id_hash).count() == 1
    # The database refuses a second row for the same hash even past the service.
    twin = ModelWorker(name="某", birth_date=person.birth_date, sex="M", union=w.unions["jinghu"])
    twin.id_number_enc, twin.id_hash, twin.id_masked = person.id_number_enc, person.id_hash, person.id_masked
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert list(person.events.values_list("action", flat=True)) == ["授予称号", "登记"]
    assert AuditEvent.objects.filter(
        object_type="modelworkers.modelworker", object_id=str(person.pk), action="create"
    ).exists()


def test_titles_once_per_kind_level_and_year_and_not_in_the_future(w):
    person = register(w.unions["jiujiang"], 2, [])
    services.add_title(person, title("craftsman", "city", 2023))
    with pytest.raises(services.RegisterError, match="已有 2023 年市级「工匠」称号"):
        services.add_title(person, title("craftsman", "city", 2023))
    with pytest.raises(services.RegisterError, match="晚于今年"):
        services.add_title(person, title("craftsman", "province", dt.date.today().year + 1))
    services.add_title(person, title("craftsman", "province", 2025))
    assert sorted(person.titles.values_list("level", "year")) == [("city", 2023), ("province", 2025)]
    removed = person.titles.get(level="city")
    pk = removed.pk
    services.remove_title(removed)
    assert not Title.objects.filter(pk=pk).exists()
    # Each title entered and removed has its own audit row.
    assert list(
        AuditEvent.objects.filter(object_type="modelworkers.title", object_id=str(pk))
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["create", "delete"]
    assert person.events.first().action == "撤销称号"


def test_services_are_dated_once_a_day_and_counted_per_year_and_kind(w):
    person = register(w.unions["jiujiang"], 3, [])
    rest = ServiceKind.objects.get(code="recuperation")
    check = ServiceKind.objects.get(code="checkup")
    services.record_service(person, rest, dt.date(2024, 5, 1))
    services.record_service(person, rest, dt.date(2025, 5, 1))
    services.record_service(person, check, dt.date(2025, 6, 1))
    with pytest.raises(services.RegisterError, match="已有「疗休养」记录"):
        services.record_service(person, rest, dt.date(2025, 5, 1))
    with pytest.raises(services.RegisterError, match="不能晚于今天"):
        services.record_service(person, check, dt.date.today() + dt.timedelta(days=1))
    years, rows = services.service_counts(Service.objects.filter(person=person))
    assert years == [2025, 2024]
    counts = {kind.code: per_year for kind, per_year in rows}
    assert counts["recuperation"] == {2024: 1, 2025: 1} and counts["checkup"] == {2025: 1}
    assert counts["loan"] == {}  # an active kind with no services is still a row
    assert rest.yearly_target == 200


def test_studio_members_inside_the_keeping_union_and_the_leader_among_them(w):
    jiujiang = [register(w.unions["jiujiang"], 10 + i, []) for i in range(3)]
    outsider = register(w.unions["jinghu"], 20, [], address="340202")
    studio = Studio(name="鸠江测试工作室", level="city", founded_year=2025, union=w.unions["jiujiang"])
    with pytest.raises(services.RegisterError, match="不在「鸠江区总工会」管理范围内"):
        services.save_studio(studio, [jiujiang[0], outsider])
    assert not Studio.objects.filter(name="鸠江测试工作室").exists()
    studio.leader = jiujiang[2]
    with pytest.raises(services.RegisterError, match="领衔人须为工作室成员"):
        services.save_studio(studio, jiujiang[:2])
    services.save_studio(studio, jiujiang)
    assert set(studio.members.all()) == set(jiujiang)
    services.save_studio(studio, jiujiang[1:])
    assert jiujiang[0].events.first().action == "退出工作室"
    # A city federation's studio may gather people of its counties.
    city = Studio(name="芜湖市测试工作室", level="city", founded_year=2025, union=w.unions["wuhu"])
    services.save_studio(city, [jiujiang[0], outsider])
    assert services.new_studios_by_year(Studio.objects.filter(pk__in=[studio.pk, city.pk])) == [(2025, 2)]
