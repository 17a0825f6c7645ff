"""The roster import (the member import's checks, per-row Chinese errors naming row and column, nothing
written from a file with an error, non-members kept with a warning, a second import changing nothing, a
session outside the importer's scope refused) and the pages and API: scope, masking, 三员分立, the
per-county colours and the cadres' page."""

import datetime as dt

import pytest
from django.db import transaction

from gonghui.core.models import AuditEvent
from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.training.models import Attendee, TrainingSession
from gonghui.training.reference import seed_reference
from tests.factories import build_registry, make_id
from tests.imports.helpers import write_xlsx
from tests.people.helpers import hire
from tests.training.helpers import HEADER, count_session, roster_session


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_reference()
        reg = build_registry()
        reg.session = roster_session(reg.unions["jiujiang"], [reg.members["jiujiang_1"]])
        yield reg
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


def run(reg, tmp_path, rows, session=None, who="jiujiang"):
    path = write_xlsx(tmp_path / "参训名单.xlsx", HEADER, rows)
    job = create_job(
        reg.users[who], "training_roster", path, path.name, options={"session": (session or reg.session).pk}
    )
    return run_job(job, dry_run=False)


def stranger(seq: int) -> list:
    return [f"学员{'甲乙丙丁戊己庚辛壬癸'[seq % 10]}", make_id("340207", dt.date(1996, 6, 6), 300 + seq)]


def test_a_roster_with_bad_rows_writes_nothing_and_names_row_and_column(w, tmp_path):
    member = w.members["jiujiang_2"]
    excel_number = stranger(2)
    excel_number[1] = 340207199606063020.0  # stored by Excel as a number: digits lost
    bad_check = stranger(3)
    bad_check[1] = bad_check[1][:-1] + ("0" if bad_check[1][-1] != "0" else "1")
    mismatch = ["另一个人", member.id_number]
    no_name = ["", make_id("340207", dt.date(1996, 6, 6), 350)]
    rows = [stranger(1), excel_number, bad_check, mismatch, no_name, stranger(1)]
    result = run(w, tmp_path, rows)
    by_row = {(i.index + 2, i.column): i.message for i in result.issues if not i.warning}
    assert "Excel" in by_row[(3, "身份证号")] and "末几位已丢失" in by_row[(3, "身份证号")]
    assert "校验码" in by_row[(4, "身份证号")]
    assert by_row[(5, "姓名")] == "该身份证号对应的会员姓名与所填姓名不一致，请核对身份证号和姓名"
    assert member.name not in by_row[(5, "姓名")]
    assert (6, "姓名") in by_row
    assert by_row[(7, "身份证号")] == "与第 2 行身份证号重复"
    assert not result.committed and w.session.attendees.count() == 1
    w.session.refresh_from_db()
    assert w.session.person_times == 1


def test_a_clean_roster_is_added_and_a_second_import_changes_nothing(w, tmp_path):
    member = w.members["jiujiang_2"]
    rows = [[member.name, member.id_number], stranger(4), stranger(5)]
    first = run(w, tmp_path, rows)
    assert first.committed and first.created == 3 and not first.errors
    warnings = [i.message for i in first.issues if i.warning]
    assert warnings.count("未找到在会会员，按非会员登记（身份证号加密保存）") == 2
    assert Attendee.objects.get(session=w.session, name=member.name).member_id == member.pk
    w.session.refresh_from_db()
    assert w.session.person_times == 4
    assert w.session.events.filter(action="导入参训名单").count() == 1
    again = run(w, tmp_path, rows)
    assert again.created == 0 and again.skipped == 3 and not again.errors
    assert w.session.attendees.count() == 4


def test_the_import_is_held_to_the_importers_sessions(w, tmp_path):
    other = roster_session(w.unions["jinghu"])
    result = run(w, tmp_path, [stranger(6)], session=other)
    assert not result.committed and "找不到要导入名单的培训班" in " ".join(result.notes)
    assert not other.attendees.exists()
    # A head-count session is not offered and not accepted either.
    counted = count_session(w.unions["jiujiang"])
    assert not run(w, tmp_path, [stranger(7)], session=counted).committed


def test_scope_of_sessions_rosters_and_figures(w, as_user):
    session = w.session
    attendee = session.attendees.get()
    jinghu = as_user("jinghu")
    assert jinghu.get(f"/training/{session.pk}/").status_code == 404
    assert jinghu.post(f"/training/attendees/{attendee.pk}/remove/").status_code == 404
    assert jinghu.post(f"/training/{session.pk}/headcount/", {"headcount": 5}).status_code == 404
    assert Attendee.objects.filter(pk=attendee.pk).exists()
    assert session.title not in jinghu.get("/training/").content.decode()
    assert jinghu.get(f"/api/v1/training-sessions/{session.pk}").status_code == 404
    assert jinghu.get(f"/training/cadres/{w.unions['jiujiang'].pk}/").status_code == 404
    page = jinghu.get("/training/progress/").content.decode()
    assert "镜湖区总工会" in page and "鸠江区总工会" not in page
    listed = jinghu.get("/api/v1/training-sessions").json()
    assert session.pk not in [row["id"] for row in listed["items"]]


def test_rosters_are_masked_and_hidden_from_the_separated_administrators(w, as_user):
    from gonghui.accounts.models import Role, User
    from tests.factories import PASSWORD

    member = w.members["jiujiang_1"]
    attendee = w.session.attendees.get(member=member)
    viewer = as_user("viewer")
    body = viewer.get(f"/training/{w.session.pk}/").content.decode()
    assert attendee.id_masked in body and member.id_number not in body and "会员" in body
    api = viewer.get(f"/api/v1/training-sessions/{w.session.pk}").json()
    assert api["attendees"] == [{"name": member.name, "id_number": attendee.id_masked, "is_member": True}]
    assert AuditEvent.objects.filter(action="api_read", object_type="training.trainingsession").exists()
    User.objects.create_user("t-sysadmin", password=PASSWORD, union=w.unions["wuhu"], role=Role.SYSTEM_ADMIN)
    admin = as_user("t-sysadmin")
    # 三员分立: the business pages and API are closed to the system administrator altogether.
    assert admin.get(f"/training/{w.session.pk}/").status_code == 403
    assert admin.get(f"/api/v1/training-sessions/{w.session.pk}").status_code == 403
    assert admin.get("/training/cadres/").status_code == 403
    assert admin.post(f"/training/attendees/{attendee.pk}/remove/").status_code in (403, 404)
    assert Attendee.objects.filter(pk=attendee.pk).exists()


def test_pages_show_the_colours_the_cadres_and_refuse_a_viewer_writing(w, as_user):
    u = w.unions
    today = dt.date.today()
    count_session(u["jiujiang"], end=today, headcount=520)
    count_session(u["jinghu"], end=today, headcount=120)
    county = as_user("jiujiang")
    city = as_user("wuhu", on=__import__("django.test").test.Client())
    page = city.get("/training/progress/").content.decode()
    row = page.split(f'data-union="{u["jiujiang"].pk}"')[1].split("</tr>")[0]
    assert 'table-success" data-kind="worker_reps"' in row
    jinghu_row = page.split(f'data-union="{u["jinghu"].pk}"')[1].split("</tr>")[0]
    assert 'table-danger" data-kind="worker_reps"' in jinghu_row
    assert f"?organiser={u['jiujiang'].pk}&kind=" in row
    assert city.get("/training/progress/?as_of=2026-13-01").status_code == 400
    # The cadres' page: a worker never trained is overdue.
    worker = hire(u["jiujiang"], 811, start=dt.date(2020, 1, 1))
    cadres = county.get(f"/training/cadres/{u['jiujiang'].pk}/").content.decode()
    assert worker.name in cadres and "从未参加" in cadres and worker.id_masked in cadres
    index = county.get("/training/cadres/").content.decode()
    assert "鸠江区总工会" in index
    # A read-only user changes nothing.
    viewer = as_user("viewer", on=__import__("django.test").test.Client())
    before = TrainingSession.objects.get(pk=w.session.pk).person_times
    assert viewer.post(f"/training/{w.session.pk}/cancel/", {"note": "x"}).status_code == 403
    assert TrainingSession.objects.get(pk=w.session.pk).status == "held"
    assert TrainingSession.objects.get(pk=w.session.pk).person_times == before


def test_adding_a_person_on_the_page_and_creating_a_session(w, as_user):
    county = as_user("jiujiang")
    response = county.post(
        f"/training/{w.session.pk}/attendees/add/",
        {"name": "页面学员", "id_number": make_id("340207", dt.date(1999, 9, 9), 411)},
        follow=True,
    )
    assert "已增加参训人员" in response.content.decode()
    assert w.session.attendees.filter(name="页面学员", member__isnull=True).exists()
    bad = county.post(
        f"/training/{w.session.pk}/attendees/add/", {"name": "页面学员", "id_number": "123"}, follow=True
    ).content.decode()
    assert "身份证号" in bad and w.session.attendees.filter(name="页面学员").count() == 1
    from gonghui.training.models import TrainingKind

    created = county.post(
        "/training/add/",
        {
            "title": "页面登记的培训班",
            "kind": TrainingKind.objects.get(code="culture_sports").pk,
            "organiser": w.unions["jiujiang"].pk,
            "start_date": "2026-03-01",
            "end_date": "2026-03-02",
            "place": "鸠江区职工服务中心",
            "mode": "count",
            "headcount": 66,
        },
    )
    assert created.status_code == 302
    session = TrainingSession.objects.get(title="页面登记的培训班")
    assert session.person_times == 66 and session.events.get().action == "登记"
    outside = county.post(
        "/training/add/",
        {
            "title": "越权培训班",
            "kind": TrainingKind.objects.get(code="culture_sports").pk,
            "organiser": w.unions["jinghu"].pk,
            "start_date": "2026-03-01",
            "end_date": "2026-03-02",
            "online": "on",
            "mode": "count",
            "headcount": 5,
        },
    )
    assert outside.status_code == 200 and not TrainingSession.objects.filter(title="越权培训班").exists()
