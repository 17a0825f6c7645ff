"""The database of holders: registering a past naming and its refusals, editing it, the list's filters
and 民营企业 share, the union page's honours, the naming list export, the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.honours import titles
from gonghui.honours.models import Round, Title, TitleEvent, TitleStatus
from gonghui.orgs.models import Ownership

from .titles_helpers import make_kinds, naming, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(registry):
    """Kinds, and titles of both counties: 镜湖甲 (民营) and 鸠江乙 (国有) unions hold the national home
    (2015, due for 复查 since 2020; 2021), 鸠江乙公司 is a city site, 王鸠一 a 先进个人."""
    reg = registry
    reg.workplaces["jinghu_a"].ownership = Ownership.PRIVATE
    reg.workplaces["jinghu_a"].save()
    reg.workplaces["jiujiang_b"].ownership = Ownership.STATE
    reg.workplaces["jiujiang_b"].save()
    kinds = make_kinds()
    city = reg.users["wuhu"]
    reg.titles = {
        "jinghu_home": register(kinds["t-national-home"], reg.unions["jinghu_a"], 2015, actor=city),
        "jiujiang_home": register(kinds["t-national-home"], reg.unions["jiujiang_b"], 2021, actor=city),
        "jiujiang_site": register(kinds["t-city-site"], reg.workplaces["jiujiang_b"], 2022, actor=city),
        "person": register(kinds["t-advanced-person"], reg.members["jiujiang_1"], 2023, actor=city),
    }
    reg.kinds = kinds
    return reg


def test_register_writes_title_event_and_audit_and_refuses_in_chinese(world):
    home = world.titles["jinghu_home"]
    assert (home.node, home.subject_kind, home.ownership) == (world.unions["jinghu_a"], "union", "private")
    assert home.next_inspection == dt.date(2020, 4, 28)  # named_on + 5 years
    assert world.titles["person"].next_inspection is None  # the kind is not re-inspected
    assert world.titles["person"].node == world.unions["jiujiang_b"]
    event = TitleEvent.objects.get(title=home)
    assert (event.action, event.to_status, event.actor) == ("登记", "active", world.users["wuhu"])
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="honours.title").count() == 4
    )

    kind = world.kinds["t-national-home"]
    before = (Title.objects.count(), TitleEvent.objects.count(), AuditEvent.objects.count())
    refusals = [
        (lambda: register(kind, world.workplaces["jinghu_a"]), ValidationError, "评选对象是工会组织"),
        (lambda: register(kind, world.unions["jinghu_a"], 2023), ValidationError, "不能重复登记"),
        (
            lambda: register(kind, world.unions["jiujiang_joint"], actor=world.users["jinghu"]),
            PermissionDenied,
            "本单位及下级",
        ),
        (
            lambda: titles.register_title(
                kind, world.unions["jiujiang_joint"], naming(2019, dt.date(2018, 1, 1))
            ),
            ValidationError,
            "不能早于命名年度",
        ),
        (
            lambda: titles.register_title(kind, world.unions["jiujiang_joint"], naming(2019, by=" ")),
            ValidationError,
            "请填写命名单位",
        ),
    ]
    for call, error, words in refusals:
        with pytest.raises(error) as exc:
            call()
        assert words in " ".join(getattr(exc.value, "messages", [str(exc.value)]))
    assert (Title.objects.count(), TitleEvent.objects.count(), AuditEvent.objects.count()) == before

    # A revoked title stays in the history and the holder may be named again.
    Title.objects.filter(pk=home.pk).update(status=TitleStatus.REVOKED, revoked_on=dt.date(2024, 5, 1))
    again = register(kind, world.unions["jinghu_a"], 2024)
    assert (
        again.status == TitleStatus.ACTIVE
        and Title.objects.filter(union=world.unions["jinghu_a"]).count() == 2
    )


def test_update_naming_moves_the_inspection_and_leaves_round_titles_alone(world):
    home = world.titles["jiujiang_home"]
    titles.update_naming(
        home,
        naming(2020, dt.date(2020, 12, 1), "全国总工会", "总工发〔2020〕3号"),
        actor=world.users["jiujiang"],
    )
    home.refresh_from_db()
    assert (home.year, home.next_inspection, home.document_number) == (
        2020,
        dt.date(2025, 12, 1),
        "总工发〔2020〕3号",
    )
    event = home.events.order_by("-id").first()
    assert event.action == "修改命名信息" and "命名年度：2021 → 2020" in event.note
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(home.pk)).exists()
    with pytest.raises(PermissionDenied):
        titles.update_naming(home, naming(2020), actor=world.users["jinghu"])

    round_ = Round.objects.create(
        kind=world.kinds["t-national-home"],
        issuer=world.unions["wuhu"],
        year=2020,
        title="测试评选",
        criteria_date=dt.date(2020, 1, 1),
        deadline=dt.date(2020, 3, 1),
    )
    Title.objects.filter(pk=home.pk).update(round=round_)
    with pytest.raises(ValidationError, match="以评选为准"):
        titles.update_naming(home, naming(2021))


def test_list_filters_and_private_share(world, as_user, client):
    as_user("wuhu")
    kind = world.kinds["t-national-home"]
    body = client.get(f"/honours/titles/?kind={kind.pk}").content.decode()
    assert "镜湖甲公司工会委员会" in body and "鸠江乙公司工会委员会" in body
    assert "1 / 2（50.0%）" in body and "要求 ≥ 50%" in body and "符合要求" in body

    county = client.get(
        f"/honours/titles/?kind={kind.pk}&county={world.unions['jiujiang'].pk}"
    ).content.decode()
    assert "鸠江乙公司工会委员会" in county and "镜湖甲公司工会委员会" not in county
    assert "0 / 1（0.0%）" in county and "低于要求" in county

    assert "镜湖甲公司工会委员会" in client.get("/honours/titles/?ownership=private").content.decode()
    assert "镜湖甲公司工会委员会" not in client.get("/honours/titles/?ownership=state").content.decode()
    assert "王鸠一" in client.get("/honours/titles/?category=advanced_person&year=2023").content.decode()
    due = client.get("/honours/titles/due/").content.decode()  # default: due by the end of this year
    assert "镜湖甲公司工会委员会" in due and "王鸠一" not in due
    assert "镜湖甲公司工会委员会" not in client.get("/honours/titles/due/?due_by=2019-12-31").content.decode()

    as_user("jinghu")
    body = client.get("/honours/titles/").content.decode()
    assert "镜湖甲公司工会委员会" in body and "鸠江" not in body


def test_union_and_workplace_pages_show_their_honours(world, as_user, client):
    as_user("jiujiang")
    union = client.get(world.unions["jiujiang_b"].get_absolute_url()).content.decode()
    assert 'id="honours-panel"' in union and "全国模范职工之家" in union
    assert world.titles["jiujiang_home"].get_absolute_url() in union
    workplace = client.get(world.workplaces["jiujiang_b"].get_absolute_url()).content.decode()
    assert "市级民营企业工会规范化建设示范点" in workplace and "全国模范职工之家" not in workplace
    assert (
        'id="honours-panel"'
        not in client.get(world.unions["jiujiang_joint"].get_absolute_url()).content.decode()
    )

    page = client.get(world.titles["person"].get_absolute_url()).content.decode()
    assert world.members["jiujiang_1"].id_masked in page and world.members["jiujiang_1"].id_number not in page
    assert "登记" in page and "有效" in page


def test_register_page_saves_through_the_service_and_shows_refusals(world, as_user, client):
    as_user("jiujiang")
    kind = world.kinds["t-national-home"]
    data = {"kind": kind.pk, "year": 2018, "named_on": "2018-05-01", "named_by": "全国总工会"}
    wrong = client.post("/honours/titles/add/", {**data, "workplace": world.workplaces["jiujiang_b"].pk})
    assert wrong.status_code == 200 and "请选择工会组织" in wrong.content.decode()
    duplicate = client.post("/honours/titles/add/", {**data, "union": world.unions["jiujiang_b"].pk})
    assert "不能重复登记" in duplicate.content.decode()
    outside = client.post("/honours/titles/add/", {**data, "union": world.unions["jinghu_a"].pk})
    assert (
        outside.status_code == 200
        and not Title.objects.filter(union=world.unions["jinghu_a"], year=2018).exists()
    )
    ok = client.post("/honours/titles/add/", {**data, "union": world.unions["jiujiang_joint"].pk})
    title = Title.objects.get(union=world.unions["jiujiang_joint"])
    assert ok.status_code == 302 and ok["Location"] == title.get_absolute_url()
    assert title.events.get().actor == world.users["jiujiang"]


def test_naming_list_export_is_scoped_and_audited(world, as_user, client):
    import docx
    from pypdf import PdfReader

    as_user("jinghu")
    xlsx = client.get("/honours/titles/naming-list/?fmt=xlsx")
    assert xlsx.status_code == 200
    import zipfile

    from xlsxwriter.workbook import Workbook  # noqa: F401  (the writer is there; read back below)

    sheet = zipfile.ZipFile(io.BytesIO(xlsx.content)).read("xl/sharedStrings.xml").decode()
    for text in (
        "序号",
        "名称",
        "所属地区",
        "单位性质",
        "荣誉",
        "命名文号",
        "命名日期",
        "状态",
        "镜湖甲公司工会委员会",
        "芜湖市镜湖区",
    ):
        assert text in sheet
    assert "鸠江" not in sheet

    as_user("wuhu")
    kind = world.kinds["t-national-home"]
    word = client.get(f"/honours/titles/naming-list/?fmt=docx&kind={kind.pk}&year=2021")
    document = docx.Document(io.BytesIO(word.content))
    assert document.paragraphs[0].text == "2021年全国模范职工之家命名名单"
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells == [
        "1",
        "鸠江乙公司工会委员会",
        "芜湖市鸠江区",
        "国有企业",
        "全国模范职工之家",
        "总工发〔2021〕9号",
        "2021-04-28",
        "有效",
    ]
    assert len(document.tables[0].rows) == 2
    pdf = client.get(f"/honours/titles/naming-list/?fmt=pdf&kind={kind.pk}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "全国模范职工之家命名名单" in text and "镜湖甲公司工会委员会" in text

    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id")
    assert [e.username for e in exports] == ["t-jinghu", "t-wuhu", "t-wuhu"]
    assert "DOCX，1 条" in exports[1].detail and "命名年度=2021" in exports[1].detail
    assert client.get("/honours/titles/naming-list/?fmt=exe").status_code == 404


def test_api_titles_and_rounds_are_scoped_and_mask_people(world, as_user, client):
    round_ = Round.objects.create(
        kind=world.kinds["t-national-home"],
        issuer=world.unions["jiujiang"],
        year=2023,
        title="鸠江区评选",
        criteria_date=dt.date(2023, 1, 1),
        deadline=dt.date(2023, 3, 1),
    )
    Title.objects.filter(pk=world.titles["jiujiang_home"].pk).update(round=round_)
    as_user("viewer")
    items = client.get("/api/v1/honours/titles?limit=500").json()["items"]
    person = next(i for i in items if i["subject_kind"] == "person")
    member = world.members["jiujiang_1"]
    assert person["member"] == {
        "id": member.pk,
        "name": "王鸠一",
        "id_number": member.id_masked,
        "phone": member.phone_masked,
    }
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).count() == 1
    detail = client.get(f"/api/v1/honours/titles/{world.titles['jiujiang_home'].pk}").json()
    assert detail["events"][0]["action"] == "登记" and detail["round_id"] == round_.pk
    assert client.get(f"/api/v1/honours/rounds/{round_.pk}").json()["titles"] == [
        world.titles["jiujiang_home"].pk
    ]
    assert len(client.get("/api/v1/honours/titles?category=advanced_person").json()["items"]) == 1

    as_user("jinghu")
    names = [i["subject_name"] for i in client.get("/api/v1/honours/titles").json()["items"]]
    assert names == ["镜湖甲公司工会委员会"]
    assert client.get("/api/v1/honours/rounds").json()["items"] == []
    assert client.get(f"/api/v1/honours/rounds/{round_.pk}").status_code == 404
    assert client.get(f"/api/v1/honours/titles/{world.titles['person'].pk}").status_code == 404


def test_revoke_page_keeps_the_title_and_refuses_readers_and_outsiders(world, as_user, client):
    home = world.titles["jiujiang_home"]
    url = f"/honours/titles/{home.pk}/revoke/"
    data = {"revoked_on": "2025-03-01", "reason": "单位发生严重违法行为"}

    def trail():
        return (
            TitleEvent.objects.filter(title=home).count(),
            AuditEvent.objects.filter(object_type="honours.title", object_id=str(home.pk)).count(),
        )

    before = trail()

    as_user("viewer")  # 芜湖 read-only role: sees the title, may not act
    assert "revoke-form" not in client.get(home.get_absolute_url()).content.decode()
    assert client.post(url, data).status_code == 403
    as_user("jinghu")  # the other county: not in its subtree
    assert client.post(url, data).status_code == 404
    as_user("jiujiang")
    assert "revoke-form" in client.get(home.get_absolute_url()).content.decode()
    client.post(url, {"revoked_on": "2025-03-01", "reason": ""})  # no reason: refused with the message
    home.refresh_from_db()
    assert home.status == TitleStatus.ACTIVE
    assert trail() == before

    done = client.post(url, data, follow=True).content.decode()
    home.refresh_from_db()
    assert (home.status, home.revoked_on, home.revoked_reason) == (
        TitleStatus.REVOKED,
        dt.date(2025, 3, 1),
        "单位发生严重违法行为",
    )
    assert "已撤销该荣誉" in done and "revoke-form" not in done and Title.objects.filter(pk=home.pk).exists()
    assert TitleEvent.objects.filter(title=home, action="撤销", actor=world.users["jiujiang"]).exists()
    assert "该荣誉已撤销" in client.post(url, data, follow=True).content.decode()
