"""Evaluation services: automatic scores with their source and rule, 一票否决 excluding the top unit from
awards, manual items needing a note and evidence, finalised read-only, reopen with a reason, events and
audit rows, the reporting hook."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import AuditEvent
from gonghui.evaluation import services, sources
from gonghui.evaluation.models import Evaluation, EvaluationEvent, Score, ScoreSheet, SheetItem

from .helpers import build, pdf, score_all_manual

pytestmark = pytest.mark.django_db

RATES = {"jinghu": 90, "jiujiang": 60, "zone": 80}
ORG = {"jinghu": 95, "jiujiang": 100, "zone": 120}  # 镜湖区 missed its organisation-building target


def test_evaluated_units_are_the_county_level_unions(registry, values):
    world = build(registry, values, RATES, ORG)
    units = set(world.evaluation.results.values_list("unit__name", flat=True))
    assert units == {"镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会"}
    assert world.evaluation.results.count() == 3


def test_automatic_scores_keep_the_source_value_and_the_rule(registry, values):
    world = build(registry, values, RATES, ORG)
    s = world.score(registry.unions["jiujiang"], world.rate)
    assert (s.value, s.score) == (D(60), D(45))  # 60 × 60 ÷ 80
    assert s.explanation == "测试来源e；线性至达标线：60 × 60 ÷ 80 = 45"
    assert world.score(registry.unions["jinghu"], world.rate).score == D(60)
    veto = world.score(registry.unions["jinghu"], world.org)
    assert veto.vetoed and veto.value == D(95) and "95 < 100" in veto.explanation
    assert not world.score(registry.unions["zone"], world.org).vetoed


def test_a_vetoed_unit_with_the_highest_score_is_ranked_but_excluded_from_awards(registry, values):
    world = build(registry, values, RATES, ORG)
    score_all_manual(world, registry, {"jinghu": "40", "jiujiang": "30", "zone": "35"})
    services.finalise(world.evaluation, actor=registry.users["wuhu"])
    figures = services.final_figures(registry.unions["wuhu"], 2023)
    rows = {r["unit"]: r for r in figures["rows"]}
    top = rows["镜湖区总工会"]
    assert top["total"] == 100 and top["rank"] == 1 and top["vetoed"] and not top["award_eligible"]
    assert top["veto_reasons"] == "未完成组织建设目标（测试来源g 95 < 100，未达到要求）"
    assert (rows["芜湖经济技术开发区总工会"]["total"], rows["芜湖经济技术开发区总工会"]["rank"]) == (95, 2)
    assert (rows["鸠江区总工会"]["total"], rows["鸠江区总工会"]["rank"]) == (75, 3)
    award = figures["award_list"]
    assert registry.unions["jinghu"].pk not in award
    assert award == [registry.unions["zone"].pk, registry.unions["jiujiang"].pk]
    assert figures["full_marks"] == 100 and figures["status"] == "final"


def test_an_unregistered_source_says_so_and_scores_nothing(registry, values, monkeypatch):
    # reporting connects report_on_time; a deployment without it (or any unconnected code) reads so.
    monkeypatch.delitem(sources._SOURCES, "report_on_time")
    sheet = services.create_sheet(
        issuer=registry.unions["wuhu"], year=2023, title="无来源",
        items=[services.ItemSpec("半年报告按时报送", max_score=D(10), source="automatic",
                                 source_code="report_on_time", rule="proportional")],
    )  # fmt: skip
    evaluation = services.start(sheet, actor=registry.users["wuhu"])
    for s in Score.objects.filter(result__evaluation=evaluation):
        assert s.value is None and s.score is None
        assert s.explanation.startswith(sources.NOT_CONNECTED)
    assert set(evaluation.results.values_list("total", flat=True)) == {D(0)}


def test_a_later_registered_source_is_read_on_recompute(registry, values):
    world = build(registry, values, RATES, ORG)
    values["t_rate"][registry.unions["jiujiang"].pk] = 80
    services.recompute(world.evaluation, actor=registry.users["wuhu"])
    assert world.score(registry.unions["jiujiang"], world.rate).score == D(60)


def test_a_manual_score_needs_a_note_and_evidence(registry, values):
    world = build(registry, values, RATES, ORG)
    score = world.score(registry.unions["jiujiang"], world.manual)
    events, audits = EvaluationEvent.objects.count(), AuditEvent.objects.count()
    wuhu = registry.users["wuhu"]
    with pytest.raises(ValidationError, match="评分说明"):
        services.score_manual(score, value="30", note=" ", upload=pdf(), actor=wuhu)
    with pytest.raises(ValidationError, match="佐证材料"):
        services.score_manual(score, value="30", note="台账齐全", upload=None, actor=wuhu)
    with pytest.raises(ValidationError, match="0 到 40"):
        services.score_manual(score, value="41", note="台账齐全", upload=pdf(), actor=wuhu)
    score.refresh_from_db()
    assert score.score is None and not score.evidence
    assert (EvaluationEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)

    services.score_manual(score, value="30", note="台账齐全", upload=pdf(), actor=wuhu, ip="10.1.2.3")
    score.refresh_from_db()
    assert score.score == D(30) and score.evidence_name == "评分佐证.pdf" and score.scored_by == wuhu
    assert world.evaluation.results.get(unit=registry.unions["jiujiang"]).total == D(75)
    event = EvaluationEvent.objects.latest("id")
    assert event.action == "人工评分" and "鸠江区总工会「规范化建设」30 分" in event.note
    audit = AuditEvent.objects.latest("id")
    assert (audit.user, audit.ip, audit.object_id) == (wuhu, "10.1.2.3", str(world.evaluation.pk))
    # The evidence already attached serves a corrected score.
    services.score_manual(score, value="32", note="复核后调整", upload=None, actor=wuhu)
    assert Score.objects.get(pk=score.pk).score == D(32)


def test_a_manual_veto_needs_a_reason(registry, values):
    world = build(registry, values, RATES, ORG)
    score = world.score(registry.unions["zone"], world.other)
    with pytest.raises(ValidationError, match="说明原因"):
        services.decide_veto(score, vetoed=True, reason="", actor=registry.users["wuhu"])
    assert not world.evaluation.results.get(unit=registry.unions["zone"]).vetoed
    services.decide_veto(score, vetoed=True, reason="发生重大安全生产责任事故", actor=registry.users["wuhu"])
    result = world.evaluation.results.get(unit=registry.unions["zone"])
    assert result.vetoed and "发生重大安全生产责任事故" in result.veto_reasons


def test_finalise_needs_every_manual_score_then_the_evaluation_is_read_only(registry, values):
    world = build(registry, values, RATES, ORG)
    wuhu = registry.users["wuhu"]
    with pytest.raises(ValidationError, match="还有 3 项人工评分未完成"):
        services.finalise(world.evaluation, actor=wuhu)
    score_all_manual(world, registry, {"jinghu": "40", "jiujiang": "30", "zone": "35"})
    services.finalise(world.evaluation, actor=wuhu)
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == "final"

    score = world.score(registry.unions["jiujiang"], world.manual)
    before = (EvaluationEvent.objects.count(), AuditEvent.objects.count())
    for attempt in (
        lambda: services.score_manual(score, value="10", note="改分", upload=pdf(), actor=wuhu),
        lambda: services.decide_veto(world.score(registry.unions["zone"], world.other), vetoed=True,
                                     reason="补充否决", actor=wuhu),
        lambda: services.recompute(world.evaluation, actor=wuhu),
        lambda: services.finalise(world.evaluation, actor=wuhu),
    ):  # fmt: skip
        with pytest.raises(ValidationError, match="已定稿"):
            attempt()
    assert Score.objects.get(pk=score.pk).score == D(30)
    assert (EvaluationEvent.objects.count(), AuditEvent.objects.count()) == before

    with pytest.raises(ValidationError, match="原因"):
        services.reopen(world.evaluation, actor=wuhu, reason="")
    services.reopen(world.evaluation, actor=wuhu, reason="鸠江区补报材料")
    services.score_manual(score, value="36", note="补报材料后复核", upload=None, actor=wuhu)
    assert world.evaluation.results.get(unit=registry.unions["jiujiang"]).total == D(81)
    actions = list(
        EvaluationEvent.objects.filter(evaluation=world.evaluation).values_list(
            "action", "from_status", "to_status"
        )
    )
    assert actions[0] == ("开展评价", "", "draft")
    assert ("定稿", "draft", "final") in actions and ("重新打开", "final", "draft") in actions


def test_only_the_issuers_administrators_score(registry, values):
    world = build(registry, values, RATES, ORG)
    score = world.score(registry.unions["jinghu"], world.manual)
    for who in ("jinghu", "viewer", "province"):
        with pytest.raises(PermissionDenied):
            services.score_manual(score, value="40", note="自评满分", upload=pdf(), actor=registry.users[who])
    with pytest.raises(PermissionDenied):
        services.finalise(world.evaluation, actor=registry.users["jinghu"])
    assert Score.objects.get(pk=score.pk).score is None


def test_a_sheet_per_issuer_and_year_and_consistent_items(registry):
    wuhu = registry.unions["wuhu"]
    services.create_sheet(issuer=wuhu, year=2023, title="甲", items=[services.ItemSpec("项", max_score=D(1))])
    with pytest.raises(ValidationError, match="已有考核评分表"):
        services.create_sheet(issuer=wuhu, year=2023, title="乙", items=[])
    with pytest.raises(ValidationError, match="计分规则"):
        services.create_sheet(
            issuer=wuhu, year=2024, title="丙",
            items=[services.ItemSpec("项", max_score=D(1), source="automatic", source_code="t")],
        )  # fmt: skip
    assert not ScoreSheet.objects.filter(year=2024).exists()  # nothing half-written
    assert SheetItem.objects.count() == 1
