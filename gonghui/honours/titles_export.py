"""The naming list (命名名单) of a set of titles: .xlsx in a fixed layout (title, issuer and date, then
序号, 名称, 所属地区, 单位性质, 荣誉, 命名文号, 命名日期, 状态), and .docx / .pdf in the GB/T 9704 layout of
the quarterly bulletin (``gonghui.reports.bulletin``'s helpers, as the 年报 does)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape

from gonghui.orgs.models import Ownership
from gonghui.regions.models import Region
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
    docx_table,
    gbt9704_document,
    para,
    safe_cell,
    signature,
    table_layout,
)

from .models import Title

HEAD = ["序号", "名称", "所属地区", "单位性质", "荣誉", "命名文号", "命名日期", "状态"]
NAME_COLUMN = 1


@dataclass
class NamingList:
    heading: str
    issuer: str  # the exporting user's union: the signature of the document
    as_of: dt.date
    titles: Sequence[Title]
    _areas: dict[int, str] = field(default_factory=dict, repr=False)

    def area(self, title: Title) -> str:
        """芜湖市鸠江区: the city and county of the subject's union (its region up to the city level)."""
        region = title.node.region
        if region.pk not in self._areas:
            names, node = [], region
            while node is not None and node.level >= Region.Level.CITY:
                if node.level <= Region.Level.COUNTY:
                    names.append(node.name)
                node = node.parent
            self._areas[region.pk] = "".join(reversed(names)) or region.name
        return self._areas[region.pk]

    def rows(self) -> list[list[str]]:
        out = []
        for i, t in enumerate(self.titles, start=1):
            ownership = Ownership(t.ownership).label if t.ownership in Ownership.values else "—"
            status = t.get_status_display()
            if t.revoked_on:
                status += f"（{t.revoked_on:%Y-%m-%d}）"
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
    kind = filters.get("kind")
    what = str(kind) if kind is not None else "荣誉"
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
def to_docx(naming: NamingList) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = gbt9704_document()
    para(doc, naming.heading, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, indent=False)
    para(doc, intro(naming))
    rows = naming.rows()
    if rows:
        docx_table(doc, HEAD, rows, name_column=NAME_COLUMN)
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
td.name { text-align: left; white-space: nowrap; }
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
        layout = table_layout(HEAD, rows, name_column=NAME_COLUMN)
        cols = "".join(f'<col style="width: {w:.2f}mm">' for w in layout.widths_mm)
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
            f'<table style="font-size: {layout.font_pt}pt"><colgroup>{cols}</colgroup>'
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
