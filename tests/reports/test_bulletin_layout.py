"""The bulletin's ranking table follows GB/T 9704: it fits the 156 mm text block, its header repeats on
every page, no row is split across pages and every unit name stays on one line — in the PDF and the .docx."""

import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from gonghui.reports import bulletin
from gonghui.targets.services import snapshot

AS_OF = dt.date(2023, 6, 30)
DISTRICTS = ["经开区", "三山区", "鸠江区", "弋江区", "镜湖区"]


def many_rows(n: int = 60) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        # As long as the longest real names (芜湖经济技术开发区总工会: 12 characters), all different.
        name = f"芜湖{DISTRICTS[i % 5]}第{i}街道总工会"
        rows.append(
            [str(i), name, "40/3/7.5%", "21500/7318/34.0%", "5000/1139/22.8%", "1000/46/4.6%", "17.2%"]
        )
    rows.append(
        ["", "合计", "370/14/3.8%", "21500/7318/34.0%", "21500/2287/10.6%", "10000/670/6.7%", "13.8%"]
    )
    return rows


@pytest.fixture
def text(plan):
    snap = snapshot(plan, AS_OF)
    t = bulletin.compose(snap, "芜工通〔2023〕2号", dt.date(2023, 7, 5))
    t.table_rows = many_rows()
    return snap, t


def test_layout_fits_the_text_block_with_names_whole():
    head = ["排名", "单位", *(f"{m}（目标/完成/完成率）" for m in "ABCD"), "平均完成率"]
    layout = bulletin.table_layout(head, many_rows())
    assert abs(sum(layout.widths_mm) - 156) < 0.01
    assert not layout.wrap_figures and 8 <= layout.font_pt <= 10.5
    name_mm = max(bulletin.text_em(r[1]) for r in many_rows()) * layout.font_pt * 25.4 / 72
    assert layout.widths_mm[1] >= name_mm + 2 * bulletin.CELL_PAD_MM
    # A unit name no table font could fit beside the figures: the name still gets its whole width.
    long = [
        ["1", "某" * 30, "21500/7318/34.0%", "21500/7318/34.0%", "21500/7318/34.0%", "21500/7318/34.0%", "9%"]
    ]
    wide = bulletin.table_layout(head, long)
    assert wide.wrap_figures and wide.widths_mm[1] >= 30 * wide.font_pt * 25.4 / 72


def test_pdf_table_header_on_every_page_rows_and_names_whole(text):
    snap, t = text
    reader = PdfReader(io.BytesIO(bulletin.to_pdf(snap, t)))
    pages = [page.extract_text() for page in reader.pages]
    row_lines = [" ".join(c for c in row if c) for row in t.table_rows]
    table_pages = set()
    for line in row_lines:
        # The whole row on one line of one page: the name is not broken and the row is not split.
        found = [i for i, page in enumerate(pages) if line in page.splitlines()]
        assert len(found) == 1, f"「{line}」没有完整出现在一页的一行上"
        table_pages.add(found[0])
    assert len(table_pages) >= 2  # the test table does run over pages
    for i in sorted(table_pages):
        assert any(re.fullmatch(r"排名 单位.*", ln) for ln in pages[i].splitlines()), f"第 {i + 1} 页没有表头"
    # Page numbers in GB/T 9704 form.
    assert "— 1 —" in pages[0] or "—1—" in pages[0].replace(" ", "")


def test_docx_table_widths_header_rows_and_fonts(text):
    snap, t = text
    doc = Document(io.BytesIO(bulletin.to_docx(snap, t)))
    table = doc.tables[0]
    tbl = table._tbl
    text_block = round(156 * 1440 / 25.4)
    grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == text_block
    assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")) == str(text_block)
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    rows = tbl.findall(qn("w:tr"))
    assert len(rows) == len(t.table_rows) + 1
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    for tr in rows[1:]:
        assert tr.trPr.find(qn("w:cantSplit")) is not None
        assert tr.trPr.find(qn("w:tblHeader")) is None
        widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.findall(qn("w:tc"))]
        assert widths == grid
    # The name column holds the longest name on one line at the table's font size.
    size_pt = table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt
    longest = max(bulletin.text_em(r[1]) for r in t.table_rows)
    assert grid[1] / 20 >= longest * size_pt  # twips → pt
    assert [c.text for c in table.rows[0].cells] == t.table_head
    assert 'w:eastAsia="黑体"' in tbl.xml and 'w:eastAsia="仿宋_GB2312"' in tbl.xml
