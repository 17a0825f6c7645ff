"""Dynamic management of honours: a grant is paid once; a 复查 that revokes keeps the title in the history;
结对共建's refusals; proposals scoped and their proposers masked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.honours import grants, partnerships, proposals, reinspection
from gonghui.honours.models import (
    Grant,
    HonourKind,
    InspectionResult,
    Reinspection,
    Title,
    TitleStatus,
)
from gonghui.honours.titles import Naming, register_title
from tests.honours.helpers import add_model_union

pytestmark = pytest.mark.django_db


def kind(code: str, **values) -> HonourKind:
    defaults = {"name": code, "subject": "union", "category": "model_home", "level": "county"}
    return HonourKind.objects.get_or_create(code=code, defaults={**defaults, **values})[0]


def site_kind() -> HonourKind:
    return kind(
        "m-site", name="民营企业工会规范化建设示范点", category="demonstration_site", level="province",
        grant_amount=Decimal("10000"),
    )  # fmt: skip


def name(k: HonourKind, union, year: int = 2023) -> Title:
    return register_title(k, union, Naming(year, dt.date(year, 6, 1), "安徽省总工会", f"皖工发〔{year}〕1号"))


def audits(obj) -> int:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def test_a_grant_is_approved_by_the_issuer_and_paid_once(registry, client, as_user):
    site = name(site_kind(), registry.unions["jiujiang_b"])
    province = registry.users["province"]
    with pytest.raises(PermissionDenied):  # a county is not the issuer of a provincial kind
        grants.approve_grant(site, approved_on=dt.date(2023, 7, 1), actor=registry.users["jiujiang"])
    grant = grants.approve_grant(
        site, approved_on=dt.date(2023, 7, 1), approval_document="皖工发〔2023〕9号", actor=province
    )
    assert grant.amount == Decimal("10000") and grant.status == Grant.Status.APPROVED
    with pytest.raises(ValidationError, match="不能重复批准"):
        grants.approve_grant(site, approved_on=dt.date(2023, 7, 2), actor=province)

    as_user("province")
    url = reverse("honours:grant-pay", args=[grant.pk])
    assert client.post(url, {"paid_on": "2023-08-01", "voucher_number": "记-0801"}).status_code == 302
    response = client.post(url, {"paid_on": "2023-08-02", "voucher_number": "记-0802"}, follow=True)
    assert "已于 2023-08-01 拨付（凭证号 记-0801），不能重复拨付" in response.content.decode()
    grant.refresh_from_db()
    assert (grant.status, grant.paid_on, grant.voucher_number) == ("paid", dt.date(2023, 8, 1), "记-0801")
    assert list(site.events.values_list("action", flat=True)) == ["登记", "批准补助", "拨付补助"]
    assert audits(grant) == 2  # approved, paid — the refused second payment wrote nothing
    # The database backs it: one grant per site, and a paid grant has its date and voucher.
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(holder=site, amount=1, approved_on=dt.date(2023, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(voucher_number="")

    rows, total = grants.totals_by_city(list(grants.sites(province, 2023)))
    assert [(r.city, r.sites, r.paid, r.paid_amount) for r in rows] == [
        ("芜湖市总工会", 1, 1, Decimal(10000))
    ]
    assert (total.approved, total.unpaid_amount) == (1, 0)
    page = client.get(reverse("honours:grant-list") + "?year=2023").content.decode()
    assert "芜湖市总工会" in page and "10000.00" in page


def test_a_reinspection_revokes_and_the_title_stays_in_history(registry):
    home = kind("m-home", name="县级模范职工之家", reinspection_years=3, criteria=[
        {"code": "join_rate", "label": "会员入会率不低于90%", "source": "auto", "params": {"min": 90}},
    ])  # fmt: skip
    good = name(home, add_model_union(registry), 2021)
    weak = name(home, registry.unions["jiujiang_joint"], 2021)
    kept = name(home, registry.unions["jiujiang_b"], 2021)
    outside = name(home, registry.unions["jinghu_a"], 2021)  # 镜湖区: not in 鸠江区's 复查
    county = registry.users["jiujiang"]
    with pytest.raises(PermissionDenied):  # 镜湖区 cannot open a 复查 in 鸠江区's name
        reinspection.create_reinspection(
            issuer=registry.unions["jiujiang"], kind=home, named_from=2021, named_to=2021,
            as_of=dt.date(2025, 6, 30), deadline=dt.date(2025, 12, 31), actor=registry.users["jinghu"],
        )  # fmt: skip
    check = reinspection.create_reinspection(
        issuer=registry.unions["jiujiang"], kind=home, named_from=2020, named_to=2022,
        as_of=dt.date(2025, 6, 30), deadline=dt.date(2025, 12, 31), actor=county,
    )  # fmt: skip
    records = {r.holder_id: r for r in check.records.all()}
    assert set(records) == {good.pk, weak.pk, kept.pk} and outside.pk not in records
    assert records[good.pk].criteria[0]["passed"] is True  # recomputed as of 2025-06-30
    assert records[weak.pk].criteria[0]["passed"] is False

    with pytest.raises(ValidationError, match="撤销原因"):
        reinspection.record_result(
            records[weak.pk], result=InspectionResult.REVOKE, inspected_on=dt.date(2025, 9, 1), actor=county
        )
    reinspection.record_result(
        records[weak.pk], result=InspectionResult.REVOKE, inspected_on=dt.date(2025, 9, 1),
        note="入会率低于90%，整改未达标", actor=county,
    )  # fmt: skip
    reinspection.record_result(
        records[kept.pk], result=InspectionResult.RECTIFY, inspected_on=dt.date(2025, 9, 1),
        rectify_until=dt.date(2026, 3, 31), actor=county,
    )  # fmt: skip
    weak.refresh_from_db()
    assert (weak.status, weak.revoked_on) == (TitleStatus.REVOKED, dt.date(2025, 9, 1))
    assert Title.objects.filter(pk=weak.pk).exists() and weak.inspections.get().result == "revoke"
    assert list(weak.events.values_list("action", flat=True)) == ["登记", "列入复查", "撤销"]
    assert Title.objects.get(pk=kept.pk).status == TitleStatus.RECTIFYING
    with pytest.raises(ValidationError, match="已记录"):
        reinspection.record_result(
            records[weak.pk], result=InspectionResult.RETAIN, inspected_on=dt.date(2025, 9, 2), actor=county
        )
    assert Reinspection.objects.get(pk=check.pk).status == Reinspection.Status.OPEN
    reinspection.record_result(
        records[good.pk], result=InspectionResult.RETAIN, inspected_on=dt.date(2025, 9, 1), actor=county
    )
    good.refresh_from_db()
    assert good.next_inspection == dt.date(2028, 6, 30)  # as_of + the kind's 3 years
    assert Reinspection.objects.get(pk=check.pk).status == Reinspection.Status.CLOSED
    # A revoked title is not listed by a later 复查.
    again = reinspection.holders_due(registry.unions["jiujiang"], home, 2021, 2021)
    assert weak.pk not in set(again.values_list("pk", flat=True))


def test_partnership_refusals(registry, client, as_user):
    home = kind("m-home2", name="县级模范职工之家")
    site = site_kind()
    holder = name(home, registry.unions["jiujiang_b"])
    county = registry.users["jiujiang"]
    joint = registry.unions["jiujiang_joint"]
    refusals = [
        (name(site, registry.unions["jiujiang_joint"]), joint, ValidationError, "不是模范职工之家"),
        (holder, registry.unions["jiujiang_b"], ValidationError, "自身"),
        (holder, registry.unions["jiujiang"], ValidationError, "不是基层工会"),
        (holder, registry.unions["jinghu_a"], PermissionDenied, "管辖双方"),
    ]
    for title, partner, error, words in refusals:
        with pytest.raises(error, match=words):
            partnerships.start(title, partner, started_on=dt.date(2024, 3, 1), actor=county)
    pairing = partnerships.start(holder, joint, started_on=dt.date(2024, 3, 1), actor=county)
    with pytest.raises(ValidationError, match="尚未结束"):
        partnerships.start(holder, joint, started_on=dt.date(2024, 4, 1), actor=county)
    with pytest.raises(ValidationError, match="不能早于结对日期"):
        partnerships.log_activity(pairing, on_date=dt.date(2024, 1, 1), content="座谈", actor=county)
    partnerships.log_activity(pairing, on_date=dt.date(2024, 5, 1), content="共建职工书屋", participants=30)
    partnerships.end(pairing, ended_on=dt.date(2024, 12, 31), actor=county)
    with pytest.raises(ValidationError, match="结束"):
        partnerships.log_activity(pairing, on_date=dt.date(2025, 1, 5), content="回访", actor=county)
    assert list(holder.events.values_list("action", flat=True)) == ["登记", "结对共建", "结束结对"]
    assert audits(pairing) == 3
    as_user("jiujiang")
    assert "已于 2024-12-31 结束" in client.get(reverse("honours:partnership-list")).content.decode()
    assert "共建职工书屋" in client.get(pairing.get_absolute_url()).content.decode()
    Title.objects.filter(pk=holder.pk).update(status=TitleStatus.REVOKED)
    with pytest.raises(ValidationError, match="已撤销"):
        partnerships.start(holder, joint, started_on=dt.date(2025, 3, 1), actor=county)


def test_proposals_are_scoped_and_their_proposers_masked(registry, client, as_user):
    member = registry.members["jiujiang_1"]
    data = {
        "workplace": registry.workplaces["jiujiang_b"].pk,
        "proposer": member.pk,
        "year": 2024,
        "session": "第三届第二次",
        "title": "关于增设职工夜班餐的提案",
        "content": "建议食堂增设夜班餐。",
    }
    as_user("jinghu")  # 镜湖区 cannot choose 鸠江区's workplace
    client.post(reverse("honours:proposal-add"), data)
    assert not proposals.Proposal.objects.exists()
    as_user("jiujiang")
    outsider = {**data, "proposer": registry.members["jiujiang_2"].pk}  # a member of another union
    page = client.post(reverse("honours:proposal-add"), outsider).content.decode()
    assert "不是鸠江乙公司工会的会员" in page and not proposals.Proposal.objects.exists()
    response = client.post(reverse("honours:proposal-add"), data)
    proposal = proposals.Proposal.objects.get()
    assert response.status_code == 302 and proposal.node == registry.unions["jiujiang_b"]
    assert audits(proposal) == 1
    for url in (reverse("honours:proposal-list"), proposal.get_absolute_url()):
        body = client.get(url).content.decode()
        assert member.id_masked in body and member.id_number not in body
    as_user("jinghu")
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert "关于增设职工夜班餐的提案" not in client.get(reverse("honours:proposal-list")).content.decode()
