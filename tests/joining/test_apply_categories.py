"""Issue 9 point 13: the public form asks 是否农民工 and, when the employer has no union, the employer's
name (USCC optional, checked); the reviewer corrects the categories at approval, in the approval event.
The public submission stays one INSERT statement on PostgreSQL with the new columns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.joining.models import ApplicationEvent, InsurancePlanOffer, JoinApplication
from tests.factories import make_id, make_uscc
from tests.joining.test_services import courier
from tests.joining.test_views import form

pytestmark = pytest.mark.django_db


def _apply(client, data):
    return client.post(reverse("joining:apply"), data)


def test_the_form_asks_whether_a_migrant_worker_and_the_employer(client, joinreg):
    html = client.get(reverse("joining:apply")).content.decode()
    assert "是否农民工" in html and 'name="is_migrant_worker"' in html
    assert 'name="employer_name"' in html and 'name="employer_uscc"' in html


def test_missing_answers_are_refused_in_chinese_and_nothing_is_written(client, joinreg):
    data = form(joinreg)
    del data["is_migrant_worker"]
    page = _apply(client, {**data, "employer_name": ""}).content.decode()
    assert "请选择是否农民工" in page
    assert "请填写工作单位名称" in page
    bad = _apply(client, form(joinreg, employer_uscc="91340200ABCDEFGH12")).content.decode()
    assert "统一社会信用代码「91340200ABCDEFGH12」" in bad
    assert not JoinApplication.objects.exists()


def test_the_answers_are_stored(client, joinreg):
    uscc = make_uscc(7, "340207")
    resp = _apply(
        client,
        form(joinreg, is_migrant_worker="yes", employer_name=" 鸠江某快递站 ", employer_uscc=uscc.lower()),
    )
    assert resp.status_code == 200
    app = JoinApplication.objects.get()
    assert app.is_migrant_worker is True
    assert (app.employer_name, app.employer_uscc) == ("鸠江某快递站", uscc)


def test_an_employer_with_a_union_needs_no_name(client, joinreg):
    workplace = joinreg.workplaces["jiujiang_b"]
    resp = _apply(
        client,
        form(
            joinreg, mode="employer", workplace=workplace.pk, employer_name="不该保存", is_migrant_worker="no"
        ),
    )
    assert resp.status_code == 200
    app = JoinApplication.objects.get()
    assert app.workplace == workplace and app.employer_name == "" and app.is_migrant_worker is False


def test_fast_path_stays_one_insert_with_the_new_fields(joinreg, on_postgres):
    from gonghui.joining import services

    services.submit(courier(joinreg, id_number=make_id("340207", dt.date(1980, 1, 1), 11)))  # warm caches
    with CaptureQueriesContext(connection) as queries:
        app = services.submit(courier(joinreg, is_migrant_worker=True, employer_name="无固定单位"))
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    assert len(writes) == 1 and len(queries.captured_queries) <= 3
    app.refresh_from_db()
    assert app.is_migrant_worker and app.employer_name == "无固定单位"


def test_the_reviewer_corrects_the_categories_at_approval(client, joinreg, as_user):
    from gonghui.joining import services

    app = services.submit(courier(joinreg, is_migrant_worker=False, employer_name="无固定单位"))
    as_user("t-reviewer", client)
    page = client.get(reverse("joining:application-detail", args=[app.pk])).content.decode()
    assert 'id="approve-form"' in page and "无固定单位" in page
    group = next(g for code, g in joinreg.groups.items() if code != "courier")
    resp = client.post(
        reverse("joining:application-detail", args=[app.pk]),
        {"action": "approve", "is_migrant_worker": "yes", "new_form_group": group.pk},
    )
    assert resp.status_code == 302
    app.refresh_from_db()
    member = app.member
    assert member.is_migrant_worker is True and member.new_form_group == group
    assert app.is_migrant_worker is True and app.new_form_group == group
    event = ApplicationEvent.objects.filter(application=app).last()
    assert event.to_status == "approved"
    assert "审核更正：农民工 否→是，新就业形态群体 快递员→" + group.name in event.note
    assert InsurancePlanOffer.objects.filter(member=member).exists()


def test_approval_without_corrections_changes_nothing(client, joinreg, as_user):
    from gonghui.joining import services

    app = services.submit(courier(joinreg, is_migrant_worker=True, employer_name="无固定单位"))
    as_user("t-reviewer", client)
    client.post(reverse("joining:application-detail", args=[app.pk]), {"action": "approve"})
    app.refresh_from_db()
    assert app.member.is_migrant_worker is True and app.member.new_form_group == joinreg.groups["courier"]
    assert ApplicationEvent.objects.filter(application=app).last().note == "批准入会"


def test_a_correction_to_no_group_drops_the_insurance_offer(joinreg):
    from gonghui.joining import services

    app = services.submit(courier(joinreg, employer_name="无固定单位"))
    services.approve(app, joinreg.users["reviewer"], new_form_group=None)
    app.refresh_from_db()
    assert app.member.new_form_group is None
    assert not InsurancePlanOffer.objects.exists()
    assert "新就业形态群体 快递员→无" in ApplicationEvent.objects.filter(application=app).last().note
