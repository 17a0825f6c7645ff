"""The register's import (one row per title; errors in Chinese with row and column, nothing written on
any error; a second import changes nothing), the masked lists, exports and API with the audited reveal,
scope on every page, the member page's titles panel and the service counts against the yearly target."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.modelworkers import services
from gonghui.modelworkers.models import ModelWorker, ServiceKind, Studio, Title
from tests.factories import PASSWORD, build_registry, make_id
from tests.imports.helpers import write_xlsx
from tests.modelworkers.helpers import HEADER, register, title


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        reg = build_registry()
        reg.person = register(
            reg.unions["jiujiang"], 1, [title("craftsman", "city", 2024, "芜工〔2024〕9号")]
        )
        yield reg
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


def login(who: str) -> Client:
    client = Client()
    assert client.login(username=f"t-{who}", password=PASSWORD)
    return client


def run(reg, tmp_path, rows, who="jiujiang"):
    path = write_xlsx(tmp_path / "劳模工匠名册.xlsx", HEADER, rows)
    job = create_job(reg.users[who], "model_workers", path, path.name)
    return run_job(job, dry_run=False)


NAMES = "甲乙丙丁戊己庚辛壬癸"


def good(seq: int, union="鸠江区总工会", kind="劳动模范", level="市级", year=2022) -> list:
    return [
        f"匠人{NAMES[seq % 10]}{NAMES[seq // 10]}",
        make_id("340207", dt.date(1980, 5, 5), 300 + seq),
        "13900001111",
        union,
        "芜湖某机械有限公司",
        "制造业",
        "钳工",
        kind,
        level,
        year,
        f"芜工〔{year}〕{seq}号",
        "芜湖市总工会",
    ]


def test_a_list_with_bad_rows_writes_nothing_and_names_row_and_column(w, tmp_path):
    excel_number = good(2)
    excel_number[1] = 340207198005052030.0  # stored by Excel as a number: digits lost
    unknown_kind = good(3, kind="优秀党员")
    outside = good(4, union="镜湖区总工会")
    bad_level = good(5, level="乡级")
    future = good(6, year=dt.date.today().year + 1)
    half_title = good(7)
    half_title[8] = ""
    twin = good(1)
    other_name = good(1, year=2023)
    other_name[0] = "别人"
    result = run(
        w,
        tmp_path,
        [good(1), excel_number, unknown_kind, outside, bad_level, future, half_title, twin, other_name],
    )
    by_row = {(i.index + 2, i.column): i.message for i in result.issues if not i.warning}
    assert "Excel" in by_row[(3, "身份证号")] and "末几位已丢失" in by_row[(3, "身份证号")]
    assert by_row[(4, "称号类别")].startswith("「优秀党员」不是可选的称号类别")
    assert by_row[(5, "管理工会")] == "工会「镜湖区总工会」不在您的管辖范围内"
    assert by_row[(6, "称号级别")].startswith("「乡级」不是可选的级别")
    assert "须在 1950 年至今年之间" in by_row[(7, "授予年度")]
    assert by_row[(8, "称号级别")] == "登记称号须同时填写称号类别、级别和授予年度，本行缺称号级别"
    assert by_row[(9, "称号类别")] == "与第 2 行重复（同一人的同一称号）"
    assert by_row[(10, "姓名")] == "与第 2 行身份证号相同但姓名不同"
    assert not result.committed and ModelWorker.objects.count() == 1 and Title.objects.count() == 1
    assert "整个表不导入" in " ".join(result.notes)


def test_a_clean_list_registers_people_with_their_titles_and_a_second_import_changes_nothing(w, tmp_path):
    two_titles = good(11, kind="五一劳动奖章", level="省级", year=2021)
    existing = [
        w.person.name,
        w.person.id_number,
        "",
        "鸠江区总工会",
        "",
        "",
        "",
        "劳动模范",
        "全国",
        2025,
        "",
        "",
    ]
    rows = [good(11), two_titles, good(12, kind="工匠"), existing]
    first = run(w, tmp_path, rows)
    assert first.committed and (first.created, first.updated, first.errors) == (2, 1, 0)
    made = ModelWorker.objects.get(name="匠人乙乙")
    assert sorted(made.titles.values_list("kind__name", "level", "year")) == [
        ("五一劳动奖章", "province", 2021),
        ("劳动模范", "city", 2022),
    ]
    assert list(made.events.values_list("action", flat=True)).count("授予称号") == 2
    assert w.person.titles.filter(level="national", year=2025).exists()
    again = run(w, tmp_path, rows)
    assert again.committed and (again.created, again.updated, again.errors) == (0, 0, 0)
    assert again.skipped == 4 and all("本行未改动" in i.message for i in again.issues)
    # 镜湖区 may not add titles to a person 鸠江区 keeps: an error that does not say where the person is.
    jinghu = run(w, tmp_path, [good(12, union="镜湖区总工会", kind="劳动模范")], who="jinghu")
    assert not jinghu.committed
    assert [i.message for i in jinghu.issues] == [
        "该人员已由您管辖范围以外的工会登记在劳模工匠人才库中，一人只登记一次；请联系上级工会"
    ]


def test_lists_exports_and_api_are_masked_and_reveal_is_audited(w):
    person = w.person
    viewer = login("viewer")
    body = viewer.get(f"/modelworkers/?level=city&kind={person.titles.get().kind_id}").content.decode()
    assert person.id_masked in body and person.id_number not in body and "2024 年市级工匠" in body
    assert person.name not in viewer.get("/modelworkers/?level=national&year=2024").content.decode()
    # By county: 鸠江区 lists the person, 镜湖区 does not.
    assert person.name in viewer.get(f"/modelworkers/?county={w.unions['jiujiang'].pk}").content.decode()
    assert person.name not in viewer.get(f"/modelworkers/?county={w.unions['jinghu'].pk}").content.decode()
    export = viewer.get("/modelworkers/?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header == [
        "姓名",
        "身份证号",
        "性别",
        "出生年份",
        "手机号",
        "管理工会",
        "工作单位",
        "所属行业",
        "职务（岗位）",
        "称号",
    ]
    assert person.id_masked in text and person.id_number not in text and person.phone not in text
    assert "2024 年市级工匠（芜工〔2024〕9号）" in text
    api = viewer.get(f"/api/v1/model-workers/{person.pk}").json()
    assert (api["id_number"], api["phone"], api["birth_year"]) == (
        person.id_masked,
        person.phone_masked,
        1975,
    )
    assert api["titles"][0]["kind"] == "工匠"
    assert viewer.post(f"/modelworkers/{person.pk}/reveal/").status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()

    city = login("wuhu")
    assert city.get(f"/modelworkers/{person.pk}/reveal/").status_code == 405
    shown = city.post(f"/modelworkers/{person.pk}/reveal/").content.decode()
    assert person.id_number in shown and person.phone in shown
    event = AuditEvent.objects.get(action="reveal")
    assert (event.username, event.object_type, event.object_id) == (
        "t-wuhu",
        "modelworkers.modelworker",
        str(person.pk),
    )
    full = city.get("/modelworkers/?export=csv&full=1")
    assert person.id_number in b"".join(full.streaming_content).decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export_sensitive").exists()


def test_scope_every_page_and_the_forbidden_steps_write_nothing(w):
    person = w.person
    jinghu = login("jinghu")
    assert jinghu.get(f"/modelworkers/{person.pk}/").status_code == 404
    assert jinghu.post(f"/modelworkers/{person.pk}/reveal/").status_code == 404
    assert person.name not in jinghu.get("/modelworkers/").content.decode()
    kind = ServiceKind.objects.get(code="recuperation")
    assert (
        jinghu.post(
            f"/modelworkers/{person.pk}/service/", {"kind": kind.pk, "date": "2025-05-01"}
        ).status_code
        == 404
    )
    assert (
        login("viewer")
        .post(f"/modelworkers/{person.pk}/service/", {"kind": kind.pk, "date": "2025-05-01"})
        .status_code
        == 403
    )
    assert not person.services.exists()
    county = login("jiujiang")
    page = county.post(
        f"/modelworkers/{person.pk}/service/",
        {"kind": kind.pk, "date": "2025-05-01", "note": "黄山"},
        follow=True,
    ).content.decode()
    assert "已登记服务" in page and person.services.count() == 1
    page = county.post(
        f"/modelworkers/{person.pk}/title/",
        {"kind": person.titles.get().kind_id, "level": "city", "year": 2024},
        follow=True,
    ).content.decode()
    assert "已有 2024 年市级「工匠」称号" in page and person.titles.count() == 1
    # A studio: 镜湖区 cannot put 鸠江区's person in its studio (the choice is not offered).
    made = jinghu.post(
        "/modelworkers/studios/add/",
        {
            "name": "镜湖工作室",
            "level": "county",
            "founded_year": 2025,
            "union": w.unions["jinghu"].pk,
            "members": [person.pk],
        },
    )
    assert made.status_code == 200 and not Studio.objects.filter(name="镜湖工作室").exists()
    made = county.post(
        "/modelworkers/studios/add/",
        {
            "name": "鸠江工作室",
            "level": "city",
            "founded_year": 2025,
            "union": w.unions["jiujiang"].pk,
            "leader": person.pk,
        },
    )
    studio = Studio.objects.get(name="鸠江工作室")
    assert made.status_code == 302 and list(studio.members.all()) == [person]  # the leader joins
    assert jinghu.get(f"/modelworkers/studios/{studio.pk}/").status_code == 404
    assert person.name in county.get(f"/modelworkers/studios/{studio.pk}/").content.decode()
    assert person.name in county.get(f"/modelworkers/?studio={studio.pk}").content.decode()


def test_the_member_page_shows_the_title_found_by_the_id_hash(w):
    member = w.members["jiujiang_1"]
    assert "劳模工匠称号" not in login("jiujiang").get(f"/members/{member.pk}/").content.decode()
    person = register(
        w.unions["wuhu"],
        50,
        [title("may_day_medal", "national", 2019)],
        number=member.id_number,
        name=member.name,
    )
    county = login("jiujiang").get(f"/members/{member.pk}/").content.decode()
    assert "劳模工匠称号（1）" in county and "五一劳动奖章" in county and "全国" in county
    # 鸠江区 sees the member but not the city's record: the titles, without the link to the record.
    assert f"/modelworkers/{person.pk}/" not in county
    assert f"/modelworkers/{person.pk}/" in login("wuhu").get(f"/members/{member.pk}/").content.decode()
    assert login("jinghu").get(f"/members/{member.pk}/").status_code == 404


def test_services_counted_per_year_and_kind_against_the_target(w):
    person = register(w.unions["jiujiang"], 60, [])
    rest = ServiceKind.objects.get(code="recuperation")
    today = dt.date.today()
    services.record_service(person, rest, today)
    services.record_service(person, rest, dt.date(today.year - 1, 6, 1))
    page = login("jiujiang").get("/modelworkers/services/").content.decode()
    assert f"{today.year} 年疗休养（计划 200 人次）" in page
    assert 'id="target-recuperation"' in page and "/ 200 人次" in page
    assert f"{today.year - 1} 年" in page
    assert person.name not in login("jinghu").get("/modelworkers/services/").content.decode()
