"""The roster import (the member import's checks, per-row Chinese errors naming row and column, nothing
written from a file with an error, a second import changing nothing) and the pages: masked lists and
exports, the audited reveal, scope, the appraisal refusal and the staffing page."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.people.models import AppraisalGrade, UnionWorker
from gonghui.people.reference import seed_reference
from tests.factories import PASSWORD, build_registry, make_id
from tests.imports.helpers import write_xlsx
from tests.people.helpers import HEADER, hire


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_reference()
        reg = build_registry()
        reg.worker = hire(reg.unions["jiujiang"], 1)
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
    path = write_xlsx(tmp_path / "花名册.xlsx", HEADER, rows)
    job = create_job(reg.users[who], "union_workers", path, path.name)
    return run_job(job, dry_run=False)


NAMES = "甲乙丙丁戊己庚辛壬癸"


def good(seq: int, union="鸠江区总工会") -> list:
    return [
        f"新人{NAMES[seq % 10]}{NAMES[seq // 10]}",
        make_id("340207", dt.date(1995, 5, 5), 200 + seq),
        "13900001111",
        union,
        "集体协商指导员",
        "某人力公司",
        dt.date(2025, 3, 1),
        None,
        "二档",
    ]


def test_a_roster_with_bad_rows_writes_nothing_and_names_row_and_column(w, tmp_path):
    excel_number = good(2)
    excel_number[1] = 340207199505052030.0  # stored by Excel as a number: digits lost
    bad_check = good(3)
    bad_check[1] = bad_check[1][:-1] + ("0" if bad_check[1][-1] != "0" else "1")
    unknown_post = good(4)
    unknown_post[4] = "网格员"
    outside = good(5, union="镜湖区总工会")
    future = good(6)
    future[6] = dt.date.today() + dt.timedelta(days=3)
    twin = good(1)
    result = run(w, tmp_path, [good(1), excel_number, bad_check, unknown_post, outside, future, twin])
    by_row = {(i.index + 2, i.column): i.message for i in result.issues if not i.warning}
    assert "Excel" in by_row[(3, "身份证号")] and "末几位已丢失" in by_row[(3, "身份证号")]
    assert "校验码" in by_row[(4, "身份证号")]
    assert by_row[(5, "岗位")].startswith("「网格员」不是可选的岗位")
    assert by_row[(6, "所在工会")] == "工会「镜湖区总工会」不在您的管辖范围内"
    assert "晚于今天" in by_row[(7, "到岗日期")]
    assert by_row[(8, "身份证号")] == "与第 2 行身份证号重复"
    assert not result.committed and UnionWorker.objects.count() == 1


def test_a_clean_roster_is_hired_and_a_second_import_changes_nothing(w, tmp_path):
    rows = [good(11), good(12)]
    first = run(w, tmp_path, rows)
    assert first.committed and first.created == 2
    assert UnionWorker.objects.filter(union=w.unions["jiujiang"]).count() == 3
    again = run(w, tmp_path, rows)
    assert again.created == 0 and again.skipped == 2 and not again.errors
    assert all("已在名册中" in i.message for i in again.issues)
    # Each hire wrote its event and audit row.
    made = UnionWorker.objects.get(name="新人乙乙")
    assert made.events.get().action == "聘用" and made.grade.name == "二档"


def test_lists_exports_and_api_are_masked_and_reveal_is_audited(w):
    worker = w.worker
    viewer = login("viewer")
    body = viewer.get("/people/").content.decode()
    assert worker.id_masked in body and worker.phone_masked in body and worker.id_number not in body
    export = viewer.get("/people/?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert worker.id_masked in text and worker.id_number not in text and "出生年份" in text
    api = viewer.get(f"/api/v1/union-workers/{worker.pk}").json()
    assert (api["id_number"], api["phone"], api["birth_year"]) == (
        worker.id_masked,
        worker.phone_masked,
        1990,
    )
    assert viewer.post(f"/people/{worker.pk}/reveal/").status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()

    city = login("wuhu")
    assert city.get(f"/people/{worker.pk}/reveal/").status_code == 405
    shown = city.post(f"/people/{worker.pk}/reveal/").content.decode()
    assert worker.id_number in shown and worker.phone in shown
    event = AuditEvent.objects.get(action="reveal")
    assert (event.username, event.object_type, event.object_id) == (
        "t-wuhu",
        "people.unionworker",
        str(worker.pk),
    )
    assert login("jinghu").post(f"/people/{worker.pk}/reveal/").status_code == 404
    full = city.get("/people/?export=csv&full=1")
    assert worker.id_number in b"".join(full.streaming_content).decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export_sensitive").exists()


def test_scope_and_the_appraisal_refusal_on_the_page(w):
    worker = w.worker
    jinghu = login("jinghu")
    assert jinghu.get(f"/people/{worker.pk}/").status_code == 404
    assert jinghu.get(f"/people/staffing/{w.unions['jiujiang'].pk}/").status_code == 404
    assert worker.name not in jinghu.get("/people/").content.decode()
    county = login("jiujiang")
    top = AppraisalGrade.objects.get(code="excellent")
    # One worker at 鸠江区 (plus the imported ones, if any): 20 % of fewer than 5 is no place for 优秀.
    page = county.post(
        f"/people/{worker.pk}/appraise/",
        {"year": 2025, "grade": top.pk, "appraiser": w.unions["jiujiang"].pk, "note": ""},
        follow=True,
    ).content.decode()
    assert "「鸠江区总工会」2025 年度参加考核" in page and "最多 0 人" in page
    assert not worker.appraisals.exists()
    staffing = county.get(f"/people/staffing/{w.unions['jiujiang'].pk}/?as_of=2026-01-01")
    assert staffing.status_code == 200 and "工会工作者配备情况" in staffing.content.decode()
    assert county.get(f"/people/staffing/{w.unions['jiujiang'].pk}/?as_of=2026-13-01").status_code == 400
