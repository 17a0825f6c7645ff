"""The naming list (命名名单) of a set of titles: .xlsx in a fixed layout (title, issuer and date, then
序号, 名称, 所属地区, 单位性质, 荣誉, 命名文号, 命名日期, 状态), and .docx / .pdf in the GB/T 9704 layout of
the quarterly bulletin (``gonghui.reports.bulletin``'s helpers, as the 年报 does)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from docx.oxml.ns import qn

from gonghui.orgs.models import Ownership
from gonghui.reports.bulletin import (
    BODY_FONT,
    CELL_PAD_MM,
    HEADING_FONT,
    PAGE,
    SIZE_2,
    TEXT_WIDTH_MM,
    TITLE_FONT,
    cn_date,
    docx_bytes,
    gbt9704_document,
    para,
    safe_cell,
    set_child,
    set_run_font,
    signature,
    twips,
)

from .models import Category, Title
from .titles import area_name

HEAD = ["序号", "名称", "所属地区", "单位性质", "荣誉", "命名文号", "命名日期", "状态"]
# The naming list's columns in the 156 mm text block at 小五 (9 pt): names, areas and document numbers
# wrap inside their cells (a union's name is longer than the bulletin's one-line unit names allow).
WIDTHS_MM = [8, 40, 13, 15, 20, 23, 21, 16]
TABLE_PT = 9
NAME_COLUMN = 1
# The naming list's short words for the registry's ownership (as naming documents print them).
OWNERSHIP_SHORT = {
    Ownership.STATE: "国有企业",
    Ownership.COLLECTIVE: "集体企业",
    Ownership.PRIVATE: "民营企业",
    Ownership.FOREIGN: "外资企业",
    Ownership.INSTITUTION: "事业单位",
    Ownership.GOVERNMENT: "机关",
    Ownership.SOCIAL: "社会组织",
    Ownership.OTHER: "其他",
}


@dataclass
class NamingList:
    heading: str
    issuer: str  # the exporting user's union: the signature of the document
    as_of: dt.date
    titles: Sequence[Title]
    _areas: dict[int, str] = field(default_factory=dict, repr=False)

    def area(self, title: Title) -> str:
        """芜湖市鸠江区: the city and county of the subject's union."""
        region = title.node.region
        if region.pk not in self._areas:
            self._areas[region.pk] = area_name(region)
        return self._areas[region.pk]

    def rows(self) -> list[list[str]]:
        out = []
        for i, t in enumerate(self.titles, start=1):
            ownership = OWNERSHIP_SHORT.get(t.ownership, "—")
            status = t.get_status_display()
            out.append(
                [
                    str(i),
                    t.subject_name,
                    self.area(t),
                    ownership,
                    f"{t.kind.name}",
                    t.document_number or "—",
                    f"{t.named_on:%Y-%m-%d}",
                    status,
                ]
            )
        return out


def heading_for(filters: dict) -> str:
    """The document's title from the list's filters: 「2019年全国模范职工之家命名名单」."""
    year = filters.get("year")
    kind, category = filters.get("kind"), filters.get("category")
    what = str(kind) if kind is not None else (Category(category).label if category else "荣誉")
    return f"{int(year)}年{what}命名名单" if year else f"{what}命名名单"


def describe_filters(filterset) -> str:
    """The filters in use, in Chinese, for the audit row."""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", []):
            continue
        field = filterset.form.fields[name]
        shown = (
            dict(getattr(field, "choices", []) or []).get(value, value) if not hasattr(value, "pk") else value
        )
        parts.append(f"{field.label}={shown}")
    return "，".join(parts)


def intro(naming: NamingList) -> str:
    count = len(naming.titles)
    return f"截至{cn_date(naming.as_of)}，按所选条件共有{count}个荣誉对象，名单如下（按荣誉类型、命名年度排列）。"


# -- Excel --------------------------------------------------------------------------------------------
def to_xlsx(naming: NamingList) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    title = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})
    plain = book.add_format({"font_name": "宋体"})
    head = book.add_format(
        {"bold": True, "font_name": "宋体", "border": 1, "bg_color": "#F2F2F2", "align": "center"}
    )
    cell = book.add_format({"font_name": "宋体", "border": 1})
    sheet = book.add_worksheet("命名名单")
    sheet.write_string(0, 0, safe_cell(naming.heading), title)
    sheet.write_string(1, 0, safe_cell(f"导出单位：{naming.issuer}"), plain)
    sheet.write_string(1, 4, f"导出日期：{cn_date(naming.as_of)}", plain)
    for c, h in enumerate(HEAD):
        sheet.write_string(3, c, h, head)
    for r, row in enumerate(naming.rows(), start=4):
        sheet.write_number(r, 0, r - 3, cell)
        for c, value in enumerate(row[1:], start=1):
            sheet.write_string(r, c, safe_cell(value), cell)
    for c, width in enumerate([6, 36, 18, 22, 24, 22, 12, 16]):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(4, 0)
    book.close()
    return buf.getvalue()


# -- Word ---------------------------------------------------------------------------------------------
def _docx_table(doc, rows: list[list[str]]) -> None:
    """The naming list's table: fixed column widths summing to the text block, the header row repeated on
    each page, no row split across pages, single line spacing, every cell free to wrap."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    widths = [twips(w) for w in WIDTHS_MM]
    table = doc.add_table(rows=0, cols=len(HEAD))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    set_child(tbl_pr, "w:tblW", w=sum(widths), type="dxa")
    set_child(tbl_pr, "w:tblLayout", type="fixed")
    margins = set_child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        set_child(margins, f"w:{side}", w=twips(CELL_PAD_MM), type="dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for r_i, values in enumerate([HEAD, *rows]):
        row = table.add_row()
        set_child(row._tr.get_or_add_trPr(), "w:tblHeader" if r_i == 0 else "w:cantSplit")
        for c_i, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            tc_pr = cell._tc.get_or_add_tcPr()
            set_child(tc_pr, "w:tcW", w=width, type="dxa")
            set_child(tc_pr, "w:vAlign", val="center")
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c_i == NAME_COLUMN and r_i else WD_ALIGN_PARAGRAPH.CENTER
            fmt = p.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.first_line_indent = Pt(0)
            fmt.keep_with_next = r_i == 0
            set_run_font(p.add_run(value), HEADING_FONT if r_i == 0 else BODY_FONT, Pt(TABLE_PT))


def to_docx(naming: NamingList) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = gbt9704_document()
    para(doc, naming.heading, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, indent=False)
    para(doc, intro(naming))
    rows = naming.rows()
    if rows:
        _docx_table(doc, rows)
    signature(doc, naming.issuer, cn_date(naming.as_of))
    return docx_bytes(doc)


# -- PDF ----------------------------------------------------------------------------------------------
_PDF_STYLE = """
@page { size: A4; margin: %(top)smm %(right)smm %(bottom)smm %(left)smm;
  @bottom-right { content: "— " counter(page) " —"; font-family: "宋体", "Noto Serif CJK SC", serif; font-size: 14pt; } }
body { font-family: "%(body)s", "仿宋", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 10.23mm; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.plain { text-indent: 0; }
h1 { font-family: "%(title)s", "Noto Serif CJK SC", serif; font-weight: 900; font-size: 22pt; text-align: center;
  margin: 10.23mm 0; line-height: 1.4; }
table { border-collapse: collapse; table-layout: fixed; width: %(width)smm; line-height: 1.35; margin: 2mm 0 4mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 0.8mm %(pad)smm; text-align: center; vertical-align: middle; }
th { font-family: "%(heading)s", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
td.name { text-align: left; }
.sign { text-align: right; text-indent: 0; margin-right: 4em; }
"""


def to_pdf(naming: NamingList) -> bytes:
    from weasyprint import HTML

    style = _PDF_STYLE % {
        **PAGE,
        "body": BODY_FONT,
        "title": TITLE_FONT,
        "heading": HEADING_FONT,
        "width": TEXT_WIDTH_MM,
        "pad": CELL_PAD_MM,
    }
    parts = [f"<h1>{escape(naming.heading)}</h1>", f"<p>{escape(intro(naming))}</p>"]
    rows = naming.rows()
    if rows:
        cols = "".join(f'<col style="width: {w}mm">' for w in WIDTHS_MM)
        ths = "".join(f"<th>{escape(h)}</th>" for h in HEAD)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=name' if i == NAME_COLUMN else ''}>{escape(v)}</td>" for i, v in enumerate(r)
            )
            + "</tr>"
            for r in rows
        )
        parts.append(
            f'<table style="font-size: {TABLE_PT}pt"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append('<p class="plain">&nbsp;</p>')
    parts.append(f'<p class="sign">{escape(naming.issuer)}</p><p class="sign">{cn_date(naming.as_of)}</p>')
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head><body>'
    )
    return HTML(string=html + "".join(parts) + "</body></html>").write_pdf()


FORMATS: dict[str, tuple[str, Callable[[NamingList], bytes]]] = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", to_docx),
    "pdf": ("application/pdf", to_pdf),
}
