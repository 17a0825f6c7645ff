"""Public pages (apply, search, status, transfer) with their safety checks, and the reviewer pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.joining import services
from gonghui.joining.models import ApplicationStatus, JoinApplication, TransferRequest
from gonghui.members.models import Member
from tests.factories import PASSWORD, make_id

pytestmark = pytest.mark.django_db

COURIER_ID = make_id("340207", dt.date(1996, 4, 5), 77)


def form(reg, **extra):
    data = {
        "name": "钱快递",
        "id_number": COURIER_ID,
        "phone": "139 5555 6666",
        "is_migrant_worker": "no",
        "mode": "none",
        "employer_name": "某快递站点",
        "new_form_group": reg.groups["courier"].pk,
        "district": reg.unions["jiujiang"].region.pk,
        "consent_constitution": "on",
        "consent_personal_data": "on",
        "website": "",
    }
    data.update(extra)
    return data


def test_apply_page_is_public_and_mobile_ready(client, joinreg):
    resp = client.get(reverse("joining:apply"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'name="viewport"' in html and "个人信息使用告知书" in html and "csrfmiddlewaretoken" in html
    assert "快递员" in html and "鸠江区" in html


def test_apply_as_courier_shows_the_number(client, joinreg):
    resp = client.post(reverse("joining:apply"), form(joinreg))
    app = JoinApplication.objects.get()
    html = resp.content.decode()
    assert app.number in html and "鸠江区新就业形态劳动者工会联合会" in html
    assert app.phone == "13955556666"


def test_apply_with_employer(client, joinreg):
    data = form(joinreg, mode="employer", workplace=joinreg.workplaces["jiujiang_b"].pk)
    client.post(reverse("joining:apply"), data)
    app = JoinApplication.objects.get()
    assert app.routed_union == joinreg.unions["jiujiang_b"] and app.new_form_group is None
    resp = client.post(reverse("joining:apply"), form(joinreg, mode="employer", id_number=make_id(seq=5)))
    assert "请搜索并选择您的工作单位" in resp.content.decode()


def test_invalid_id_is_refused_with_the_reason(client, joinreg):
    bad = COURIER_ID[:-1] + ("0" if COURIER_ID[-1] != "0" else "1")
    resp = client.post(reverse("joining:apply"), form(joinreg, id_number=bad))
    assert "校验码" in resp.content.decode()
    assert not JoinApplication.objects.exists()


def test_consent_unchecked_is_refused(client, joinreg):
    data = form(joinreg)
    del data["consent_personal_data"]
    resp = client.post(reverse("joining:apply"), data)
    assert "请勾选此项" in resp.content.decode()
    assert not JoinApplication.objects.exists()


def test_honeypot_refuses_without_saving(client, joinreg):
    resp = client.post(reverse("joining:apply"), form(joinreg, website="http://spam.example"))
    assert resp.status_code == 400
    assert not JoinApplication.objects.exists()


def test_csrf_is_enforced(joinreg):
    strict = Client(enforce_csrf_checks=True)
    resp = strict.post(reverse("joining:apply"), form(joinreg))
    assert resp.status_code == 403
    assert not JoinApplication.objects.exists()


def test_rate_limit_per_ip_ignores_forwarded_for_by_default(client, joinreg, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (2, 3600)}
    for i in range(2):
        client.post(reverse("joining:apply"), form(joinreg, id_number=make_id(seq=100 + i)))
    resp = client.post(
        reverse("joining:apply"), form(joinreg, id_number=make_id(seq=105)), HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert resp.status_code == 429 and "频繁" in resp.content.decode()
    assert JoinApplication.objects.count() == 2


def test_rate_limit_trusts_forwarded_for_only_when_configured(client, joinreg, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (1, 3600)}
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    for i in range(3):
        resp = client.post(
            reverse("joining:apply"),
            form(joinreg, id_number=make_id(seq=110 + i)),
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        )
        assert resp.status_code == 200
    assert JoinApplication.objects.count() == 3


def test_rate_limit_per_id(client, joinreg, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_id": (2, 86400)}
    for _ in range(2):  # the second is refused as an open application, but it counts
        assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 200
    assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 429


def test_member_proving_identity_is_told_the_union_and_offered_a_transfer(client, joinreg):
    member = joinreg.members["jinghu_1"]  # 张镜一 13812345678, 镜湖甲公司工会委员会
    data = form(joinreg, name="张镜一", id_number=member.id_number, phone="13812345678")
    html = client.post(reverse("joining:apply"), data).content.decode()
    assert "镜湖甲公司工会委员会" in html and "申请会籍转接" in html
    assert not JoinApplication.objects.exists()
    page = client.get(reverse("joining:public-transfer")).content.decode()
    assert "鸠江区新就业形态劳动者工会联合会" in page
    client.post(reverse("joining:public-transfer"))
    tr = TransferRequest.objects.get()
    assert tr.member == member and tr.to_union == joinreg.unions["jiujiang_newform"]
    assert tr.channel == TransferRequest.Channel.PUBLIC


def test_member_id_typed_by_someone_else_reveals_nothing(client, joinreg):
    member = joinreg.members["jinghu_1"]
    data = form(joinreg, name="张镜一", id_number=member.id_number, phone="13000001234")
    html = client.post(reverse("joining:apply"), data).content.decode()
    app = JoinApplication.objects.get()
    assert app.number in html and app.held_elsewhere
    assert "镜湖甲公司" not in html and "已是" not in html and "会籍转接" not in html
    assert "镜湖甲公司" not in client.get(reverse("joining:public-transfer")).content.decode()
    assert client.get(reverse("joining:public-transfer")).status_code == 302


def test_public_transfer_page_without_proof_redirects(client, joinreg):
    assert client.get(reverse("joining:public-transfer")).status_code == 302
    assert client.post(reverse("joining:public-transfer")).status_code == 302
    assert not TransferRequest.objects.exists()


def test_workplace_search_returns_at_most_ten(client, joinreg):
    from gonghui.orgs.models import Workplace

    region = joinreg.workplaces["jiujiang_b"].region
    for i in range(12):
        Workplace.objects.create(
            name=f"鸠江搜索{i:02d}公司", region=region, governing_union=joinreg.unions["jiujiang"]
        )
    data = client.get(reverse("joining:workplace-search"), {"q": "鸠江搜索"}).json()
    assert len(data["results"]) == 10
    by_code = client.get(
        reverse("joining:workplace-search"), {"q": joinreg.workplaces["jiujiang_b"].uscc}
    ).json()
    assert [r["name"] for r in by_code["results"]] == ["鸠江乙公司"]
    assert client.get(reverse("joining:workplace-search"), {"q": "鸠"}).json()["results"] == []


def test_status_check_needs_number_and_id(client, joinreg):
    client.post(reverse("joining:apply"), form(joinreg))
    app = JoinApplication.objects.get()
    html = client.post(
        reverse("joining:status"), {"number": app.number, "id_number": COURIER_ID}
    ).content.decode()
    assert "待审核" in html and "鸠江区新就业形态劳动者工会联合会" in html
    other = make_id("340207", dt.date(1996, 4, 5), 79)
    html = client.post(reverse("joining:status"), {"number": app.number, "id_number": other}).content.decode()
    assert "未找到申请" in html and "鸠江区新就业形态" not in html
    client.post(
        reverse("joining:status"), {"number": app.number, "id_number": COURIER_ID, "action": "withdraw"}
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_status_check_rate_limited_per_id(client, joinreg, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"status_id": (3, 86400)}
    for i in range(3):
        client.post(reverse("joining:status"), {"number": f"RH20260101{i:06d}", "id_number": COURIER_ID})
    resp = client.post(reverse("joining:status"), {"number": "RH20260101000009", "id_number": COURIER_ID})
    assert resp.status_code == 429


# -- reviewer ------------------------------------------------------------------------------------


def submit_courier(reg, id_number=COURIER_ID):
    from gonghui.core.normalize import normalize_resident_id

    return services.submit(
        services.ApplicationInput(
            name="钱快递",
            resident_id=normalize_resident_id(id_number),
            phone="13955556666",
            new_form_group=reg.groups["courier"],
            district=reg.unions["jiujiang"].region,
            consent_constitution=True,
            consent_personal_data=True,
        )
    )


def test_queue_is_scoped_and_counts(client, joinreg, as_user):
    app = submit_courier(joinreg)
    html = as_user("t-reviewer", client).get(reverse("joining:queue")).content.decode()
    assert app.number in html and COURIER_ID not in html and app.id_masked in html
    other = Client()
    as_user("t-jinghu", other)
    assert app.number not in other.get(reverse("joining:queue")).content.decode()
    assert other.get(reverse("joining:application-detail", args=[app.pk])).status_code == 404
    assert (
        other.post(reverse("joining:application-detail", args=[app.pk]), {"action": "approve"}).status_code
        == 404
    )
    assert not Member.objects.filter(id_hash=app.id_hash).exists()


def test_queue_requires_login_and_a_reviewing_role(client, joinreg, as_user):
    assert client.get(reverse("joining:queue")).status_code == 302
    from gonghui.accounts.models import Role, User

    User.objects.create_user("t-auditor", password=PASSWORD, union=joinreg.unions["wuhu"], role=Role.AUDITOR)
    assert as_user("t-auditor", client).get(reverse("joining:queue")).status_code == 403


def test_approve_through_the_page(client, joinreg, as_user):
    app = submit_courier(joinreg)
    as_user("t-reviewer", client)
    resp = client.post(reverse("joining:application-detail", args=[app.pk]), {"action": "approve"})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    html = client.get(reverse("joining:application-detail", args=[app.pk])).content.decode()
    assert "待审核 → 已批准" in html
    assert "批准入会" in html  # the event note in the history


def test_reject_without_reason_shows_error(client, joinreg, as_user):
    app = submit_courier(joinreg)
    as_user("t-reviewer", client)
    resp = client.post(
        reverse("joining:application-detail", args=[app.pk]), {"action": "reject", "reason": ""}
    )
    assert resp.status_code == 200 and "这个字段是必填项" in resp.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_forward_out_of_own_scope_returns_to_the_queue(client, joinreg, as_user):
    app = submit_courier(joinreg)
    as_user("t-reviewer", client)
    resp = client.post(
        reverse("joining:application-detail", args=[app.pk]),
        {"action": "forward", "to_union": joinreg.unions["zone"].pk, "note": "经开区企业"},
    )
    assert resp.status_code == 302 and resp.url == reverse("joining:queue")
    app.refresh_from_db()
    assert app.routed_union == joinreg.unions["zone"]


def test_overdue_list_for_county_and_city(client, joinreg, as_user):
    app = submit_courier(joinreg)
    JoinApplication.objects.filter(pk=app.pk).update(deadline=dt.date(2020, 1, 2))
    for user in ("t-jiujiang", "t-wuhu"):
        c = Client()
        html = as_user(user, c).get(reverse("joining:overdue")).content.decode()
        assert app.number in html and "已逾期" in html and "table-danger" in html
    html = as_user("t-jinghu", Client()).get(reverse("joining:overdue")).content.decode()
    assert app.number not in html


def test_transfer_pages(client, joinreg, as_user):
    member = joinreg.members["jinghu_1"]
    as_user("t-jiujiang", client)
    resp = client.post(
        reverse("joining:transfer-new"),
        {"id_number": member.id_number, "name": "张镜一", "to_union": joinreg.unions["jiujiang_b"].pk},
    )
    tr = TransferRequest.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("joining:transfer-detail", args=[tr.pk])
    wrong = client.post(
        reverse("joining:transfer-new"),
        {"id_number": member.id_number, "name": "别人", "to_union": joinreg.unions["jiujiang_b"].pk},
    )
    assert "未找到姓名与身份证号相符" in wrong.content.decode()
    holder = as_user("t-jinghu", Client())
    assert "确认转出" in holder.get(reverse("joining:transfer-detail", args=[tr.pk])).content.decode()
    holder.post(reverse("joining:transfer-detail", args=[tr.pk]), {"action": "confirm"})
    member.refresh_from_db()
    assert member.union == joinreg.unions["jiujiang_b"]
    outsider = as_user("t-reviewer", Client())  # 鸠江新业态: neither side
    assert outsider.get(reverse("joining:transfer-detail", args=[tr.pk])).status_code == 404


def test_decision_pages_share_one_action_dispatch(client, joinreg, as_user):
    """Both detail pages post through views.DecisionView: an unknown action, a form that does not
    validate and a refused action each re-render the page and change nothing."""
    from gonghui.joining.models import TransferStatus
    from gonghui.joining.views import ApplicationDetailView, DecisionView, TransferDetailView

    assert issubclass(ApplicationDetailView, DecisionView) and issubclass(TransferDetailView, DecisionView)
    app = submit_courier(joinreg)
    url = reverse("joining:application-detail", args=[app.pk])
    resp = as_user("t-reviewer", client).post(url, {"action": "delete"})
    assert resp.status_code == 200 and "未知操作" in resp.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.events.count() == 1

    tr = services.request_transfer(
        joinreg.members["jinghu_1"], joinreg.unions["jiujiang_b"], actor=joinreg.users["jiujiang"]
    )
    url = reverse("joining:transfer-detail", args=[tr.pk])
    holder = as_user("t-jinghu", Client())
    resp = holder.post(url, {"action": "refuse", "reason": ""})
    assert resp.status_code == 200 and "这个字段是必填项" in resp.content.decode()
    resp = holder.post(url, {"action": "cancel"})  # 镜湖区 did not ask for it
    assert resp.status_code == 200 and "只有申请人可以撤销" in resp.content.decode()
    tr.refresh_from_db()
    assert tr.status == TransferStatus.REQUESTED and tr.events.count() == 1
    resp = holder.post(url, {"action": "refuse", "reason": "该职工仍在本单位工作"}, follow=True)
    assert resp.redirect_chain == [(url, 302)] and "已拒绝转接" in resp.content.decode()
    tr.refresh_from_db()
    assert tr.status == TransferStatus.REFUSED and tr.events.count() == 2


def test_rate_limit_behind_a_trusted_proxy_cannot_be_escaped_by_a_spoofed_first_hop(
    client, joinreg, settings
):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (1, 3600)}
    settings.GONGHUI_TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    statuses = [
        client.post(
            reverse("joining:apply"),
            form(joinreg, id_number=make_id(seq=120 + i)),
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 198.51.100.9",  # the client forges the left part only
        ).status_code
        for i in range(2)
    ]
    assert statuses == [200, 429]
    assert JoinApplication.objects.count() == 1
