"""Issue 14 point 4 — the 年报 exports open and hold the figures: .xlsx in the fixed layout (one sheet per
table with title, 填报单位, 截至日期, units), .docx and .pdf summaries in the GB/T 9704 layout."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from gonghui.orgs.models import WorkplaceState
from gonghui.reporting import annual, annual_checks, annual_export
from gonghui.reporting.annual_export import SHEET_HEAD_ROW

D = dt.date(2023, 9, 30)


@pytest.fixture
def report(registry):
    # One failing check (镜湖甲 has two members and, on the day, one employee) to see it exported.
    WorkplaceState.objects.filter(workplace=registry.workplaces["jinghu_a"]).update(employee_count=1)
    rollup = annual.compute_per_node(registry.unions["wuhu"], D)
    tables = rollup.tables(registry.unions["wuhu"].pk)
    return tables, annual_checks.check(tables, rollup.sub_units(registry.unions["wuhu"].pk))


def test_xlsx_has_one_sheet_per_table_in_the_fixed_layout(report):
    tables, failures = report
    book = load_workbook(io.BytesIO(annual_export.to_xlsx(tables, failures)))
    assert book.sheetnames == [f"{t.code} {t.title}"[:31] for t in tables.tables] + ["逻辑检查"]
    t3 = book["T3 会员情况"]
    assert t3["A1"].value == "T3 会员情况"
    assert t3["A2"].value == "填报单位：芜湖市总工会"
    assert t3["D2"].value == "截至日期：2023年9月30日"
    assert t3["A3"].value == "计量单位：人"
    head = SHEET_HEAD_ROW + 1
    assert [c.value for c in t3[head]] == ["项目", "会员数", "其中女性", "其中农民工", "其中新就业形态劳动者"]
    assert [c.value for c in t3[head + 1]] == ["会员合计", 4, 2, 1, 1]
    t4 = book["T4 单位建会情况"]
    assert [c.value for c in t4[head + 1]][:3] == ["合计", 6, 5]
    t5 = book["T5 工会干部情况"]
    assert [c.value for c in t5[head + 1]][:3] == ["合计", "—", "—"]  # not held: no figure, a reason
    assert any("未登记工会干部" in str(c.value) for row in t5.iter_rows() for c in row)
    checks = book["逻辑检查"]
    assert checks["A2"].value == "1 项未通过"
    assert "镜湖甲公司工会委员会" in checks["E5"].value


def test_docx_summary_holds_the_figures_and_the_tables(report):
    tables, failures = report
    doc = Document(io.BytesIO(annual_export.to_docx(tables, failures)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "芜湖市总工会工会组织和会员统计年报\n（2022—2023统计年度）" in text  # the year on its own line
    assert "会员4人，其中女性会员2人、农民工会员1人、新就业形态劳动者会员1人。" in text
    assert "逻辑检查有1项未通过" in text
    assert len(doc.tables) == 5  # T5 (cadres) is a sentence, not a table of blanks
    assert [c.text for c in doc.tables[2].rows[1].cells] == ["会员合计", "4", "2", "1", "1"]
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_pdf_summary_holds_the_figures(report):
    from pypdf import PdfReader

    tables, failures = report
    pdf = annual_export.to_pdf(tables, failures)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "芜湖市总工会" in text and "统计年报" in text
    assert "会员4人" in text.replace(" ", "")
    assert "镜湖甲公司工会委员会" in text.replace("\n", "")
