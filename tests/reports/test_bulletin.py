import datetime as dt
import io

from docx import Document
from pypdf import PdfReader

from gonghui.members import services as members
from gonghui.members.models import ChangeReason
from gonghui.orgs.models import UnionOrg
from gonghui.targets import progress
from gonghui.targets.models import Snapshot
from gonghui.targets.services import snapshot
from tests.factories import make_id

AS_OF = dt.date(2023, 6, 30)


def test_snapshot_reproduces_figures_after_later_edits(plan, registry):
    first = snapshot(plan, AS_OF)
    frozen = first.figures
    # Later edits: a backdated join, a member's category flag, a union revoked back in May.
    registry.join(
        "late", "jiujiang_b", "孙补录", make_id("340207", dt.date(1991, 1, 1), 77), date=dt.date(2023, 5, 1)
    )
    m = registry.members["jiujiang_1"]
    m.is_migrant_worker = True
    m.save()
    UnionOrg.objects.filter(pk=registry.unions["jiujiang_joint"].pk).update(
        status=UnionOrg.Status.REVOKED, status_changed_on=dt.date(2023, 5, 15)
    )
    live = progress.compute(plan, AS_OF)
    jj = next(r for r in live["rows"] if r["name"] == "鸠江区总工会")["cells"]
    assert jj["members"]["actual"] == 3 and jj["migrant"]["actual"] == 1 and jj["founded"]["actual"] == 0
    again = snapshot(plan, AS_OF)
    assert again.pk == first.pk and Snapshot.objects.count() == 1
    assert again.figures == frozen
    jj_frozen = next(r for r in again.figures["rows"] if r["name"] == "鸠江区总工会")["cells"]
    assert jj_frozen["members"]["actual"] == 2 and jj_frozen["founded"]["actual"] == 1


def test_bulletin_generated_as_docx_xlsx_pdf(client, plan, registry, as_user):
    members.leave(registry.members["jinghu_1"], dt.date(2023, 5, 1), ChangeReason.VOLUNTARY)
    as_user("wuhu", client)
    response = client.post(f"/reports/bulletins/plan/{plan.pk}/", {"as_of": "2023-06-30"})
    snap = Snapshot.objects.get(plan=plan, as_of=AS_OF)
    assert response.status_code == 302 and response.url == f"/reports/bulletins/{snap.pk}/"
    assert client.get(response.url).status_code == 200

    docx = client.get(f"/reports/bulletins/{snap.pk}/docx/")
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "芜工通〔2023〕2号" in text
    assert "关于2023年第二季度基层组织建设目标任务完成情况的通报" in text
    assert "净增会员3人，完成年度目标8人的37.5%" in text  # 4 joins − 1 exit, written out
    table = doc.tables[0]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["鸠江区总工会"][0] == "1"
    assert rows["鸠江区总工会"][3] == "4/2/50.0%"  # 会员数 target/actual/completion
    assert rows["镜湖区总工会"][3] == "4/1/25.0%"
    assert rows["合计"][3] == "8/3/37.5%"
    assert "镜湖区总工会" in text and "滞后" in text
    xml = doc.element.xml
    assert 'w:eastAsia="方正小标宋简体"' in xml and 'w:eastAsia="仿宋_GB2312"' in xml
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml
    assert len(doc.inline_shapes) >= 1  # charts as images

    xlsx = client.get(f"/reports/bulletins/{snap.pk}/xlsx/")
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    jj = next(r for r in sheet if len(r) > 1 and r[1] == "鸠江区总工会")
    assert jj[0] == 1 and 4 in jj and 50.0 in jj

    pdf = client.get(f"/reports/bulletins/{snap.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) >= 1
    assert "鸠江区总工会" in "".join(page.extract_text() for page in reader.pages)


def test_county_sees_bulletin_ranking_but_cannot_generate(client, plan, registry, as_user):
    snap = snapshot(plan, AS_OF)
    as_user("jinghu", client)
    page = client.get(f"/reports/bulletins/{snap.pk}/")
    assert page.status_code == 200 and "鸠江区总工会" in page.content.decode()
    assert client.post(f"/reports/bulletins/plan/{plan.pk}/", {"as_of": "2023-09-30"}).status_code == 403
    assert not Snapshot.objects.filter(as_of=dt.date(2023, 9, 30)).exists()
