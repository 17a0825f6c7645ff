"""Pages, files and API of the evaluation: the issuer's matrix, a county's own row once finalised (and
nothing of its siblings), a county cannot score (nothing changed), evidence scoped and audited, the
.xlsx and .docx open with the figures, the seed command."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.evaluation import services, sources
from gonghui.evaluation.models import Evaluation, EvaluationEvent, Score, ScoreSheet

from .helpers import PDF, build, score_all_manual

pytestmark = pytest.mark.django_db

RATES = {"jinghu": 90, "jiujiang": 60, "zone": 80}
ORG = {"jinghu": 95, "jiujiang": 100, "zone": 120}


def written() -> int:
    """Audit rows of acts (not the log-in, not the refusal the middleware records)."""
    return AuditEvent.objects.exclude(action__in=["login", "forbidden"]).count()


@pytest.fixture
def world(registry, values):
    return build(registry, values, RATES, ORG)


def finalised(world, registry):
    score_all_manual(world, registry, {"jinghu": "40", "jiujiang": "30", "zone": "35"})
    services.finalise(world.evaluation, actor=registry.users["wuhu"])
    return world


def test_the_issuer_sees_the_matrix_with_the_veto_badge(world, registry, as_user):
    client = as_user("wuhu")
    body = client.get(world.evaluation.get_absolute_url()).content.decode()
    for name in ("镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会", "建会率", "未完成组织建设目标"):
        assert name in body
    assert body.count('badge text-bg-danger">一票否决') == 1
    drill = client.get(world.evaluation.results.get(unit=registry.unions["jiujiang"]).get_absolute_url())
    text = drill.content.decode()
    assert "线性至达标线：60 × 60 ÷ 80 = 45" in text and "测试来源e" in text


def test_a_county_sees_nothing_of_a_draft_and_only_its_own_row_once_finalised(world, registry, as_user):
    client = as_user("jinghu")
    url = world.evaluation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/evaluation/evaluations/{world.evaluation.pk}").status_code == 404
    assert "芜湖市总工会2023年度考核评价" not in client.get("/evaluation/").content.decode()

    finalised(world, registry)
    body = client.get(url).content.decode()
    assert "镜湖区总工会" in body and "鸠江区总工会" not in body and "芜湖经济技术开发区总工会" not in body
    assert "芜湖市总工会2023年度考核评价" in client.get("/evaluation/").content.decode()
    own = world.evaluation.results.get(unit=registry.unions["jinghu"])
    sibling = world.evaluation.results.get(unit=registry.unions["jiujiang"])
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(sibling.get_absolute_url()).status_code == 404
    assert client.get(world.sheet.get_absolute_url()).status_code == 404  # the sheet is the issuer's
    data = client.get(f"/api/v1/evaluation/evaluations/{world.evaluation.pk}").json()
    assert [r["unit"] for r in data["figures"]["rows"]] == ["镜湖区总工会"]
    assert data["figures"]["rows"][0]["vetoed"] is True


def test_a_county_cannot_score_nothing_changes(world, registry, as_user):
    client = as_user("jinghu")
    own = world.score(registry.unions["jinghu"], world.manual)
    form = {f"s{own.pk}-score": "40", f"s{own.pk}-note": "自评满分", f"s{own.pk}-file": io.BytesIO(PDF)}
    form[f"s{own.pk}-file"].name = "自评.pdf"
    assert client.post(f"/evaluation/scores/{own.pk}/score/", form).status_code == 404  # draft: unseen
    assert client.post(f"/evaluation/sheets/{world.sheet.pk}/start/").status_code == 404
    finalised(world, registry)
    events, audits = EvaluationEvent.objects.count(), written()
    form[f"s{own.pk}-file"].seek(0)
    assert client.post(f"/evaluation/scores/{own.pk}/score/", form).status_code == 403
    assert client.post(f"/evaluation/{world.evaluation.pk}/reopen/", {"reason": "不服"}).status_code == 403
    assert Score.objects.get(pk=own.pk).score == D(40)
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == "final"
    assert EvaluationEvent.objects.count() == events and written() == audits


def test_the_issuer_scores_on_the_page_with_evidence_and_a_note(world, registry, as_user):
    client = as_user("wuhu")
    score = world.score(registry.unions["zone"], world.manual)
    url = f"/evaluation/scores/{score.pk}/score/"
    response = client.post(url, {f"s{score.pk}-score": "35", f"s{score.pk}-note": "台账齐全"}, follow=True)
    assert "人工评分须上传佐证材料" in response.content.decode()
    assert Score.objects.get(pk=score.pk).score is None
    upload = io.BytesIO(PDF)
    upload.name = "规范化台账.pdf"
    before = AuditEvent.objects.count()
    client.post(
        url, {f"s{score.pk}-score": "35", f"s{score.pk}-note": "台账齐全", f"s{score.pk}-file": upload}
    )
    score.refresh_from_db()
    assert score.score == D(35) and score.evidence_name == "规范化台账.pdf"
    assert AuditEvent.objects.count() == before + 1  # the service's row, none from the view

    download = client.get(f"/evaluation/scores/{score.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    row = AuditEvent.objects.filter(action="download").latest("id")
    assert "规范化台账.pdf" in row.detail and row.user == registry.users["wuhu"]
    jinghu = as_user("jinghu", client.__class__())
    assert jinghu.get(f"/evaluation/scores/{score.pk}/evidence/").status_code == 404


def test_the_exports_open_with_the_figures(world, registry, as_user):
    finalised(world, registry)
    client = as_user("wuhu")
    xlsx = client.get(f"/evaluation/{world.evaluation.pk}/export/xlsx/")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["考核结果"]
    head = [c.value for c in sheet[4]]
    assert head[:3] == ["名次", "单位", "建会率（60分）"] and head[-3:] == ["总分", "一票否决", "评先评优"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["镜湖区总工会"][0] == 1 and rows["镜湖区总工会"][-3:] == (100, "是", "取消")
    assert rows["鸠江区总工会"][2:5] == (45, 30, 75)
    details = list(book["评分明细"].iter_rows(min_row=2, values_only=True))
    assert ("鸠江区总工会", "建会率") in {(d[0], d[1]) for d in details}

    docx = client.get(f"/evaluation/{world.evaluation.pk}/export/docx/")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    tables = Document(io.BytesIO(docx.content)).tables
    assert "芜湖市总工会2023年度考核评价结果通报" in text and "1个单位被一票否决" in text
    assert "镜湖区总工会：未完成组织建设目标" in text
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells[0] == ["名次", "单位", "总分", "一票否决", "评先评优"]
    assert ["1", "镜湖区总工会", "100", "是", "取消"] in cells
    assert AuditEvent.objects.filter(action="download_report").count() == 2

    county = as_user("jinghu", client.__class__())
    own = load_workbook(io.BytesIO(county.get(f"/evaluation/{world.evaluation.pk}/export/xlsx/").content))
    names = [r[1] for r in own["考核结果"].iter_rows(min_row=5, values_only=True)]
    assert names == ["镜湖区总工会"]
    own_docx = Document(io.BytesIO(county.get(f"/evaluation/{world.evaluation.pk}/export/docx/").content))
    own_text = "\n".join(p.text for p in own_docx.paragraphs)
    assert "镜湖区总工会得分100分，名次第1名（共3个单位参评），被一票否决" in own_text
    assert "鸠江区总工会" not in own_text + str(
        [c.text for t in own_docx.tables for r in t.rows for c in r.cells]
    )


def test_seeded_sheet_scores_nothing_for_a_source_not_connected(registry, as_user, monkeypatch):
    monkeypatch.delitem(sources._SOURCES, "report_on_time")  # as if reporting were not installed
    call_command("seed_evaluation_sheet", "--issuer", str(registry.unions["wuhu"].pk), "--year", "2023")
    sheet = ScoreSheet.objects.get()
    assert sheet.items.count() == 13 and sheet.full_marks() == D(100)
    assert sheet.items.filter(kind="veto").count() == 2
    client = as_user("wuhu")
    assert "数据来源未接入" in client.get(sheet.get_absolute_url()).content.decode()
    client.post(f"/evaluation/sheets/{sheet.pk}/start/")
    evaluation = Evaluation.objects.get()
    report = Score.objects.filter(result__evaluation=evaluation, item__source_code="report_on_time")
    assert report.count() == 3
    for s in report:
        assert s.score is None and s.value is None and s.explanation.startswith(sources.NOT_CONNECTED)
    with pytest.raises(Exception, match="已有考核评分表"):
        call_command("seed_evaluation_sheet", "--issuer", str(registry.unions["wuhu"].pk), "--year", "2023")


def test_sheet_items_are_checked_on_the_page(registry, as_user):
    sheet = services.create_sheet(issuer=registry.unions["wuhu"], year=2024, title="表", items=[])
    client = as_user("wuhu")
    response = client.post(
        f"/evaluation/sheets/{sheet.pk}/items/add/",
        {"order": 1, "name": "走访", "kind": "score", "max_score": "5", "source": "automatic",
         "source_code": "pairings_visited", "rule": "linear"},
    )  # fmt: skip
    assert "该计分规则须填写达标线" in response.content.decode()
    bad = client.post(
        f"/evaluation/sheets/{sheet.pk}/items/add/",
        {"order": 1, "name": "走访", "kind": "score", "max_score": "5", "source": "automatic",
         "source_code": "no_such_source", "rule": "proportional"},
    )  # fmt: skip
    assert "没有这个数据来源" in bad.content.decode()
    assert not sheet.items.exists()
    client.post(
        f"/evaluation/sheets/{sheet.pk}/items/add/",
        {"order": 1, "name": "走访", "kind": "score", "max_score": "5", "source": "automatic",
         "source_code": "pairings_visited", "rule": "proportional"},
    )  # fmt: skip
    assert sheet.items.get().source_code == "pairings_visited"
    county = as_user("jinghu", client.__class__())
    assert county.post(f"/evaluation/sheets/{sheet.pk}/items/add/", {"name": "x"}).status_code == 404
