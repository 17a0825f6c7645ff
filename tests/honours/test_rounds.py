"""Rounds and nominations: the lifecycle (county → city → province → 公示 → 命名) and its refusals,
criteria frozen on the nomination, the quota refusal and the share warning, evidence, scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.uploads import check_upload
from gonghui.honours import kinds, rounds
from gonghui.honours.kinds import ensure_honour_kinds
from gonghui.honours.models import HonourKind, Nomination, NominationStatus, RoundStatus, Title, TitleStatus
from gonghui.orgs.models import Ownership
from gonghui.orgs.services import record_workplace_states
from tests.honours.helpers import add_model_union

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def kind(code):
    ensure_honour_kinds()
    return HonourKind.objects.get(code=code)


def new_round(reg, code="province-model-home", who="province", **extra):
    values = dict(
        kind=kind(code),
        year=TODAY.year,
        title=f"{TODAY.year}年评选",
        criteria_date=TODAY,
        deadline=TODAY + dt.timedelta(days=30),
    )
    values.update(extra)
    return rounds.create_round(actor=reg.users[who], **values)


def actions(nomination):
    return [e.action for e in nomination.events.order_by("at", "id")]


def test_kinds_are_idempotent_and_keep_edits(db):
    kinds = ensure_honour_kinds()
    city = HonourKind.objects.get(code="city-demo-unit")
    assert (
        city.quota_per_year == 30
        and HonourKind.objects.get(code="province-private-demo-site").grant_amount == 10000
    )
    city.quota_per_year = 25
    city.save()
    assert len(ensure_honour_kinds()) == len(kinds) == HonourKind.objects.count()
    city.refresh_from_db()
    assert city.quota_per_year == 25


def test_county_city_province_lifecycle_and_refusals(registry):
    reg = registry
    good = add_model_union(reg)
    with pytest.raises(ValidationError, match="省级荣誉"):
        new_round(reg, who="wuhu")
    with pytest.raises(ValidationError, match="全国总工会"):
        new_round(reg, code="national-model-home")
    with pytest.raises(PermissionDenied):
        new_round(reg, who="viewer")
    rnd = new_round(reg)
    jiujiang, wuhu, province = (reg.users[k] for k in ("jiujiang", "wuhu", "province"))

    with pytest.raises(PermissionDenied, match="评选单位不推荐"):
        rounds.nominate(rnd, actor=province, union=good)
    with pytest.raises(PermissionDenied, match="管辖范围"):
        rounds.nominate(rnd, actor=jiujiang, union=reg.unions["jinghu_a"])
    with pytest.raises(ValidationError, match="评选对象是工会组织"):
        rounds.nominate(rnd, actor=jiujiang, workplace=reg.workplaces["jiujiang_b"])
    nom = rounds.nominate(rnd, actor=jiujiang, union=good, summary="职工之家建设成效显著")
    assert (nom.status, nom.at_unit, nom.node, nom.ownership) == (
        "draft",
        reg.unions["jiujiang"],
        good,
        "private",
    )
    judged = {c["code"]: c["passed"] for c in nom.criteria}
    assert judged["join_rate"] is True and judged["home_activities"] is None and nom.criteria_as_of == TODAY
    with pytest.raises(ValidationError, match="不能重复推荐"):
        rounds.nominate(rnd, actor=jiujiang, union=good)

    with pytest.raises(PermissionDenied):
        rounds.submit(nom, actor=wuhu)
    rounds.submit(nom, actor=jiujiang)
    nom.refresh_from_db()
    assert (nom.status, nom.at_unit) == ("pending", reg.unions["wuhu"])
    with pytest.raises(PermissionDenied, match="当前审核单位"):
        rounds.forward([nom], actor=jiujiang)
    with pytest.raises(ValidationError, match="原因"):
        rounds.reject(nom, actor=wuhu, reason=" ")
    rounds.forward([nom], actor=wuhu)
    nom.refresh_from_db()
    assert nom.at_unit == reg.unions["province"]
    with pytest.raises(ValidationError, match="评选单位"):
        rounds.forward([nom], actor=province)
    with pytest.raises(ValidationError, match="尚未确定"):
        rounds.open_notice(rnd, actor=province, start=TODAY, end=TODAY)
    rounds.select([nom], actor=province)
    with pytest.raises(ValidationError, match="不能撤回"):
        rounds.withdraw(nom, actor=jiujiang)
    with pytest.raises(ValidationError, match="须先公示"):
        rounds.name(rnd, actor=province, document_number="皖工发〔2026〕3号", named_on=TODAY)
    rounds.open_notice(
        rnd, actor=province, start=TODAY - dt.timedelta(days=8), end=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="格式"):
        rounds.name(rnd, actor=province, document_number="三号文", named_on=TODAY)
    with pytest.raises(ValidationError, match="公示期满"):
        rounds.name(
            rnd, actor=province, document_number="皖工发〔2026〕3号", named_on=TODAY - dt.timedelta(days=2)
        )
    with pytest.raises(PermissionDenied):
        rounds.name(rnd, actor=wuhu, document_number="皖工发〔2026〕3号", named_on=TODAY)
    (title,) = rounds.name(rnd, actor=province, document_number="皖工发〔2026〕3号", named_on=TODAY)

    rnd.refresh_from_db()
    nom.refresh_from_db()
    assert rnd.status == RoundStatus.NAMED and rnd.document_number == "皖工发〔2026〕3号"
    assert (title.union, title.status, title.named_by, title.nomination) == (
        good,
        TitleStatus.ACTIVE,
        "安徽省总工会",
        nom,
    )
    assert title.next_inspection == kinds.add_years(TODAY, 5) and title.events.get().action == "命名"
    assert nom.status == NominationStatus.NAMED
    assert actions(nom) == ["推荐", "报送", "推荐上报", "确定拟命名", "公示", "命名"]
    logged = AuditEvent.objects.filter(object_type="honours.nomination", object_id=str(nom.pk)).count()
    assert logged == 5  # every step but the 公示 (audited once, on the round)
    assert AuditEvent.objects.filter(object_type="honours.title", object_id=str(title.pk)).exists()
    with pytest.raises(ValidationError, match="已命名"):
        rounds.nominate(rnd, actor=jiujiang, union=reg.unions["jiujiang_b"])


def test_criteria_are_frozen_and_a_rejection_and_withdrawal(registry):
    reg = registry
    good = add_model_union(reg)
    rnd = new_round(reg, code="city-model-home", who="wuhu", criteria_date=TODAY - dt.timedelta(days=1))
    nom = rounds.nominate(rnd, actor=reg.users["jiujiang"], union=good)
    frozen = list(nom.criteria)
    # The registry changes (the workplace grows tenfold) and so does the kind's checklist.
    workplace = reg.workplaces["model"]
    workplace.employee_count = 400
    workplace.save()
    record_workplace_states([workplace])
    rnd.kind.criteria = [{"code": "no_open_problem", "label": "新条件", "source": "auto"}]
    rnd.kind.save()
    nom.refresh_from_db()
    assert nom.criteria == frozen and frozen[0]["value"] == 100.0

    rounds.submit(nom, actor=reg.users["jiujiang"])
    rounds.reject(nom, actor=reg.users["wuhu"], reason="职工之家阵地建设材料不全")
    nom.refresh_from_db()
    assert nom.status == "rejected" and nom.reason == "职工之家阵地建设材料不全"
    with pytest.raises(ValidationError, match="不能重复推荐"):  # a rejected nomination stays in the round
        rounds.nominate(rnd, actor=reg.users["jiujiang"], union=good)
    other = rounds.nominate(rnd, actor=reg.users["jiujiang"], union=reg.unions["jiujiang_b"])
    rounds.withdraw(other, actor=reg.users["jiujiang"], reason="材料准备不足")
    again = rounds.nominate(rnd, actor=reg.users["jiujiang"], union=reg.unions["jiujiang_b"])
    assert actions(other) == ["推荐", "撤回"] and again.status == "draft"
    with pytest.raises(ValidationError, match="截止日期"):
        rounds.submit(again, actor=reg.users["jiujiang"], on=rnd.deadline + dt.timedelta(days=1))


def test_quota_refusal_and_share_warning(registry):
    reg = registry
    jiujiang, wuhu, province = (reg.users[k] for k in ("jiujiang", "wuhu", "province"))
    rnd = new_round(reg, code="province-private-demo-site", quota=10)
    with pytest.raises(ValidationError, match="直属下级"):
        rounds.set_quotas(rnd, {reg.unions["jiujiang"]: 1}, actor=province)
    with pytest.raises(ValidationError, match="超过本次评选名额"):
        rounds.set_quotas(rnd, {reg.unions["wuhu"]: 11}, actor=province)
    rounds.set_quotas(rnd, {reg.unions["wuhu"]: 2, reg.unions["hefei"]: 3}, actor=province)
    state = reg.workplaces["jiujiang_small0"]
    state.ownership = Ownership.STATE
    state.save()
    private = [reg.workplaces["jiujiang_b"], reg.workplaces["jiujiang_small1"]]
    noms = [rounds.nominate(rnd, actor=jiujiang, workplace=w) for w in [state, *private]]
    assert [n.ownership for n in noms] == ["state", "private", "private"]

    # 鸠江区 sends a state enterprise first: 民营企业 0 of 1, below 50 % — a warning to acknowledge.
    with pytest.raises(rounds.ShareWarning, match="民营企业 0/1，占 0%，低于要求的 50%"):
        rounds.submit(noms[0], actor=jiujiang)
    assert Nomination.objects.get(pk=noms[0].pk).status == "draft"  # nothing half-written
    rounds.submit(noms[0], actor=jiujiang, acknowledge_shares=True)
    assert "已确认结构比例不足" in noms[0].events.order_by("-id").first().note
    rounds.submit(noms[1], actor=jiujiang)
    # 芜湖市's quota is 2, which bounds 鸠江区 too: a third is refused with the figures.
    with pytest.raises(
        ValidationError,
        match="超出名额：芜湖市总工会名额 2 个，鸠江区总工会已上报 2 个，本次上报 1 个，合计 3 个",
    ):
        rounds.submit(noms[2], actor=jiujiang)
    rounds.forward(noms[:2], actor=wuhu)  # 民营企业 1 of 2: 50 %, no warning
    assert Nomination.objects.filter(at_unit=reg.unions["province"]).count() == 2
    rounds.reject(Nomination.objects.get(pk=noms[0].pk), actor=province, reason="不符合条件")
    rounds.submit(noms[2], actor=jiujiang)  # the rejected one no longer counts against the quota
    rounds.forward([noms[2]], actor=wuhu)
    rounds.select([noms[1], noms[2]], actor=province)
    assert rnd.nominations.filter(status="selected").count() == 2


def test_evidence_and_scope(registry, client, as_user):
    reg = registry
    rnd = new_round(reg, code="city-model-home", who="wuhu")
    county_round = new_round(reg, code="county-model-small-home", who="jiujiang")
    nom = rounds.nominate(rnd, actor=reg.users["jiujiang"], union=reg.unions["jiujiang_b"])
    pdf = check_upload(SimpleUploadedFile("事迹材料.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
    with pytest.raises(PermissionDenied):
        rounds.add_evidence(nom, pdf, actor=reg.users["wuhu"])
    with pytest.raises(ValidationError, match="不是需要佐证材料"):
        rounds.add_evidence(nom, pdf, actor=reg.users["jiujiang"], criterion="join_rate")
    evidence = rounds.add_evidence(nom, pdf, actor=reg.users["jiujiang"], criterion="home_activities")
    assert evidence.name == "事迹材料.pdf" and evidence.size == 13 and actions(nom)[-1] == "上传佐证"

    jinghu = reg.users["jinghu"]
    assert set(rounds.visible_rounds(jinghu)) == {rnd}
    assert set(rounds.visible_rounds(reg.users["jiujiang"])) == {rnd, county_round}
    assert not Nomination.objects.visible_to(jinghu).exists()
    assert Nomination.objects.visible_to(reg.users["wuhu"]).get() == nom
    assert not rounds.visible_rounds(reg.users["nounion"]).exists()
    assert not Title.objects.visible_to(jinghu).exists()
