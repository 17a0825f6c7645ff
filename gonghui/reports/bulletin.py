"""The quarterly bulletin (季度通报) of a plan, from a snapshot: Word in GB/T 9704-2012 layout, Excel
tables, and PDF (WeasyPrint). All three read the snapshot's frozen figures, never live data."""

from __future__ import annotations

import base64
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gonghui.targets.models import Snapshot
from gonghui.targets.progress import LIGHTS

from . import charts

# GB/T 9704-2012: A4, top 37 mm, left (binding) 28 mm, text block 156 × 225 mm, 22 lines a page.
PAGE = {"top": 37, "left": 28, "right": 210 - 28 - 156, "bottom": 297 - 37 - 225}
LINE_PITCH = Pt(225 / 22 * 72 / 25.4)  # exactly 22 lines in the 225 mm text block
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
CN_NUMERALS = "一二三四五六七八九十"
TEXT_WIDTH_MM = 156  # the GB/T 9704 text block the table must fit


# -- table layout (shared by the PDF and the Word table) ------------------------------------------------
PT_MM = 25.4 / 72
CELL_PAD_MM = 1.0  # left and right padding of a cell, each
# 五号 (10.5 pt) down to 8 pt with every cell on one line; failing that, figures may break after "/"
# (9 pt down to 六号, 7.5 pt). Unit names never wrap.
TABLE_FONT_SIZES = {False: (10.5, 10, 9.5, 9, 8.5, 8), True: (9, 8.5, 8, 7.5)}
NAME_COLUMN = 1  # 单位: always on one line


# Advance widths (em) of the narrow characters the table holds, from Noto Serif CJK (the PDF's fallback
# font; Word's Times New Roman digits are narrower, so a width that fits here fits there too).
_NARROW_EM = {**dict.fromkeys("0123456789", 0.56), "/": 0.36, ".": 0.34, "%": 0.93, "-": 0.36, " ": 0.23}


def text_em(text: str) -> float:
    """Width of ``text`` in ems: CJK (wide) characters one em, digits and signs their measured widths."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else _NARROW_EM.get(ch, 0.62) for ch in text)


@dataclass
class TableLayout:
    font_pt: float
    widths_mm: list[float]  # sums to TEXT_WIDTH_MM
    wrap_figures: bool  # figures break at "/" only when even the smallest font cannot fit them whole


def table_layout(
    head: list[str], rows: list[list[str]], width_mm: float = TEXT_WIDTH_MM, name_column: int = NAME_COLUMN
) -> TableLayout:
    """Column widths from the content: every body cell on one line (unit names always), headers wrap.

    Tries 五号 first and shrinks the font until the natural widths fit the text block; the spare width
    goes to the figure columns. If even the smallest size does not fit, figure cells may break at "/"
    (unit names still never wrap)."""
    columns = list(zip(head, *rows, strict=True))

    def natural(font_pt: float, wrap: bool) -> list[float]:
        em_mm = font_pt * PT_MM
        widths = []
        for i, (_header, *cells) in enumerate(columns):
            parts = [p for c in cells for p in (c.split("/") if wrap and i != name_column else [c])]
            ems = max([text_em(p) for p in parts] + [2.0])  # a header wraps, but at least 2 characters
            widths.append(ems * em_mm + 2 * CELL_PAD_MM + 0.4)  # + border and rounding
        return widths

    for wrap in (False, True):
        for font_pt in TABLE_FONT_SIZES[wrap]:
            widths = natural(font_pt, wrap)
            spare = width_mm - sum(widths)
            if spare >= 0:
                others = [i for i in range(len(widths)) if i != name_column] or [name_column]
                for i in others:
                    widths[i] += spare / len(others)
                return TableLayout(font_pt, widths, wrap)
    # Nothing fits (a name longer than the text block): the name keeps its width, the rest share what is left.
    widths = natural(TABLE_FONT_SIZES[True][-1], True)
    rest = max(width_mm - widths[name_column], 0)
    others = [i for i in range(len(widths)) if i != name_column]
    scale = rest / sum(widths[i] for i in others) if others else 0
    for i in others:
        widths[i] *= scale
    return TableLayout(TABLE_FONT_SIZES[True][-1], widths, True)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class BulletinText:
    """The words of the bulletin, shared by the Word, PDF and Excel renderings."""

    title: str
    doc_number: str
    addressees: str
    intro: str
    summary: str
    behind: str
    forecast: str
    requirements: list[str]
    issuer: str
    date: str
    table_head: list[str]
    table_rows: list[list[str]]


def short(metric_name: str) -> str:
    """「其中农民工会员数」 reads 「农民工会员数」 in running text."""
    return metric_name.removeprefix("其中")


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def default_doc_number(plan_number: str, as_of: dt.date) -> str:
    """芜工发〔2023〕1号 → 芜工通〔2023〕3号 (the quarter) for the bulletin."""
    prefix = plan_number.split("〔", 1)[0] if "〔" in plan_number else ""
    prefix = prefix.replace("发", "通") if prefix else ""
    return f"{prefix}〔{as_of.year}〕{quarter_of(as_of)}号" if prefix else ""


def _pct(value) -> str:
    return f"{value}%" if value is not None else "—"


def compose(snapshot: Snapshot, doc_number: str = "", issued_on: dt.date | None = None) -> BulletinText:
    f = snapshot.figures
    plan = f["plan"]
    as_of = dt.date.fromisoformat(f["as_of"])
    q_end = as_of.month in (3, 6, 9, 12) and (as_of + dt.timedelta(days=1)).day == 1
    period = f"{as_of.year}年第{CN_NUMERALS[quarter_of(as_of) - 1]}季度" if q_end else f"截至{cn_date(as_of)}"
    title = f"关于{period}基层组织建设目标任务完成情况的通报"
    metrics = f["metrics"]
    total = f["total"]["cells"]
    rows = f["rows"]
    names = [r["name"] for r in rows]
    ref = f"（{plan['doc_number']}）" if plan["doc_number"] else ""
    intro = f"根据《{plan['title']}》{ref}要求，现将截至{cn_date(as_of)}各单位基层组织建设净增目标完成情况通报如下。"
    parts = []
    for m in metrics:
        c = total[m["code"]]
        if c["actual"] is None:
            continue
        if m["source"] == "unions_founded":
            done = f"新建基层工会{c['actual']}{m['unit']}"
        else:
            done = f"净增{short(m['name']).removesuffix('数')}{c['actual']}{m['unit']}"
        if c["target"]:
            done += f"，完成年度目标{c['target']}{m['unit']}的{_pct(c['pct'])}"
        parts.append(done)
    summary = (
        f"截至{cn_date(as_of)}，{plan['issuer'].removesuffix('总工会')}{'；'.join(parts)}。"
        f"时间进度为{f['elapsed_pct']}%，总体平均完成率为{_pct(f['total']['score'])}。"
    )
    behind_rows = [r for r in rows if r["light"] == "behind"]
    if behind_rows:
        behind = (
            f"{'、'.join(r['name'] for r in behind_rows)}等{len(behind_rows)}个单位总体完成率低于时间进度，"
            f"进度滞后。其中："
            + "；".join(
                f"{r['name']}{'、'.join(short(b) for b in r['behind'])}滞后"
                for r in behind_rows
                if r["behind"]
            )
            + "。"
        )
    else:
        behind = "各单位总体完成率均不低于时间进度的九成，没有进度滞后的单位。"
    missing = [r for r in rows if r["will_miss"]]
    if (as_of.month, as_of.day) == (12, 31):
        forecast = ""  # the year is over: its figures are final, there is nothing to forecast
    elif missing:
        forecast = (
            "按当前进度推算到12月31日，"
            + "；".join(
                f"{r['name']}" + "、".join(f"{short(w['metric'])}预计差{w['by']}" for w in r["will_miss"])
                for r in missing
            )
            + "，须加快进度。"
        )
    else:
        forecast = "按当前进度推算，各单位均可完成全年目标。"
    requirements = [
        "进度滞后的单位要对照目标任务清单逐项分析原因，制定推进措施，确保按期完成全年目标。",
        "各单位要坚持周研判、月督导、季通报，及时更新建会入会工作台账，确保数据真实准确。",
    ]
    head = (
        ["排名", "单位"]
        + [f"{m['name'].removeprefix('其中')}（目标/完成/完成率）" for m in metrics]
        + ["平均完成率"]
    )
    table_rows = []
    for r in sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0)):
        cells = [str(r["rank"] or "—"), r["name"]]
        for m in metrics:
            c = r["cells"][m["code"]]
            cells.append(
                f"{c['target'] if c['target'] is not None else '—'}/{c['actual'] if c['actual'] is not None else '—'}/{_pct(c['pct'])}"
            )
        cells.append(_pct(r["score"]))
        table_rows.append(cells)
    total_cells = ["", "合计"]
    for m in metrics:
        c = total[m["code"]]
        total_cells.append(
            f"{c['target'] if c['target'] is not None else '—'}/{c['actual'] if c['actual'] is not None else '—'}/{_pct(c['pct'])}"
        )
    total_cells.append(_pct(f["total"]["score"]))
    table_rows.append(total_cells)
    return BulletinText(
        title=title,
        doc_number=doc_number,
        addressees="、".join(names) + "：",
        intro=intro,
        summary=summary,
        behind=behind,
        forecast=forecast,
        requirements=requirements,
        issuer=plan["issuer"],
        date=cn_date(issued_on or dt.date.today()),
        table_head=head,
        table_rows=table_rows,
    )


# -- Word ---------------------------------------------------------------------------------------------
def set_run_font(run, east_asia: str, size, bold: bool = False, latin: str = "Times New Roman") -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def para(
    doc, text: str = "", *, font=BODY_FONT, size=SIZE_3, align=None, indent=True, bold=False, right_chars=0
):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # two characters
    if right_chars:
        fmt.right_indent = Pt(size.pt * right_chars)
    if align is not None:
        p.alignment = align
    if text:
        set_run_font(p.add_run(text), font, size, bold)
    return p


def page_number_footer(footer, align) -> None:
    """ "— 1 —" in 4号 宋体, one character in from the edge (odd pages right, even pages left)."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = SIZE_4
    else:
        p.paragraph_format.left_indent = SIZE_4
    set_run_font(p.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
    run = p.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    set_run_font(p.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


# Schema order of the property elements we set (Word rejects a file whose children are out of order).
_ORDER = {
    "w:tblPr": ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"],
    "w:trPr": ["w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
               "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"],
    "w:rPr": ["w:rStyle", "w:rFonts", "w:b", "w:i", "w:color", "w:sz", "w:szCs"],
    "w:tblCellMar": ["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"],
    "w:tcPr": ["w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
               "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"],
}  # fmt: skip


def set_child(parent, tag: str, **attrs):
    """The one ``tag`` child of ``parent`` (created in schema order if missing) with ``attrs`` set."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        order = next(tags for name, tags in _ORDER.items() if qn(name) == parent.tag)
        later = {qn(t) for t in order[order.index(tag) + 1 :]}
        successor = next((child for child in parent if child.tag in later), None)
        if successor is None:
            parent.append(el)
        else:
            successor.addprevious(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _docx_table(doc, text: BulletinText) -> None:
    docx_table(doc, text.table_head, text.table_rows)


def docx_table(doc, head: list[str], body: list[list[str]], name_column: int = NAME_COLUMN) -> None:
    """A table of figures (the bulletin's ranking, the 年报's tables): fixed layout with widths from the content summing to the 156 mm text block,
    the header row repeated on each page (tblHeader) and kept with the first row, no body row split
    across pages (cantSplit), single line spacing inside cells. Unit names stay on one line because
    their column is as wide as the longest name at the table's font size."""
    layout = table_layout(head, body, name_column=name_column)
    widths = [twips(w) for w in layout.widths_mm]
    widths[-1] += twips(TEXT_WIDTH_MM) - sum(widths)  # rounding: the widths add up to the text block
    size = Pt(layout.font_pt)
    table = doc.add_table(rows=0, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    set_child(tbl_pr, "w:tblW", w=sum(widths), type="dxa")
    set_child(tbl_pr, "w:tblLayout", type="fixed")
    margins = set_child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        set_child(margins, f"w:{side}", w=twips(CELL_PAD_MM), type="dxa")
    set_child(tbl_pr, "w:tblInd", w=0, type="dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for r_i, values in enumerate([head, *body]):
        row = table.add_row()
        tr_pr = row._tr.get_or_add_trPr()
        if r_i == 0:
            # Repeated on each page and kept with the first data row. Not cantSplit: LibreOffice 7.4
            # drops the body rows of a table whose header row carries it when it lands at a page foot.
            set_child(tr_pr, "w:tblHeader")
        else:
            set_child(tr_pr, "w:cantSplit")
        for c_i, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            tc_pr = cell._tc.get_or_add_tcPr()
            set_child(tc_pr, "w:tcW", w=width, type="dxa")
            set_child(tc_pr, "w:vAlign", val="center")
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt = p.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.first_line_indent = Pt(0)
            fmt.keep_with_next = r_i == 0
            if r_i > 0 and c_i != name_column and layout.wrap_figures:
                value = value.replace("/", "/\u200b")  # a figure may break after "/" only
            set_run_font(p.add_run(value), HEADING_FONT if r_i == 0 else BODY_FONT, size)
            mark = OxmlElement("w:rPr")  # the paragraph mark at the table size too: an empty cell
            set_child(mark, "w:sz", val=round(layout.font_pt * 2))  # must not make its row taller
            p._p.get_or_add_pPr().append(mark)


def gbt9704_document():
    """An empty Word document in the GB/T 9704-2012 page layout: A4, the margins of the 156 × 225 mm
    text block, "— 1 —" page numbers (odd pages right, even pages left), 3号 仿宋 body text."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.footer_distance = Mm(28 - 7)  # page number 7 mm below the text block
    doc.settings.odd_and_even_pages_header_footer = True
    page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def signature(doc, issuer: str, date: str) -> None:
    """Issuer above the date, the date right-aligned four characters in from the right edge (for other
    official documents built on ``gbt9704_document``: the annual evaluation)."""
    para(doc, indent=False)
    para(doc, indent=False)
    para(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)
    para(doc, date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)


def docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_docx(snapshot: Snapshot, text: BulletinText) -> bytes:
    doc = gbt9704_document()
    if text.doc_number:
        para(doc, text.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        para(doc, indent=False)
    para(doc, text.title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, indent=False)
    para(doc, text.addressees, indent=False)
    para(doc, text.intro)
    para(doc, "一、总体情况", font=HEADING_FONT)
    para(doc, text.summary)
    para(doc, "二、各单位完成情况", font=HEADING_FONT)
    para(doc, "各单位完成情况及排名见下表（按平均完成率排名）。")
    _docx_table(doc, text)
    para(doc, "（一）完成率对比", font=KAI_FONT)
    doc.add_picture(io.BytesIO(charts.completion_bar(snapshot.figures)), width=Mm(150))
    if snapshot.figures.get("monthly", {}).get("labels"):
        para(doc, "（二）逐月净增会员", font=KAI_FONT)
        doc.add_picture(io.BytesIO(charts.monthly_line(snapshot.figures["monthly"])), width=Mm(150))
    para(doc, "三、进度滞后的单位", font=HEADING_FONT)
    para(doc, text.behind)
    if text.forecast:
        para(doc, text.forecast)
    para(doc, "四、工作要求", font=HEADING_FONT)
    for i, req in enumerate(text.requirements, start=1):
        para(doc, f"{i}.{req}")
    para(doc, indent=False)
    para(doc, indent=False)
    # Issuer above the date, the date right-aligned four characters in from the right edge.
    para(doc, text.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)
    para(doc, text.date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- Excel --------------------------------------------------------------------------------------------
def safe_cell(value: Any) -> Any:
    """Text that Excel would read as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(snapshot: Snapshot, text: BulletinText) -> bytes:
    import xlsxwriter

    f = snapshot.figures
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format(
        {"bold": True, "font_name": "宋体", "border": 1, "bg_color": "#F2F2F2", "text_wrap": True}
    )
    cell = book.add_format({"font_name": "宋体", "border": 1})
    pct = book.add_format({"font_name": "宋体", "border": 1, "num_format": "0.0"})
    red = book.add_format({"font_name": "宋体", "border": 1, "font_color": "#C00000"})
    title = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})

    as_of = dt.date.fromisoformat(f["as_of"])
    year_over = (as_of.month, as_of.day) == (12, 31)  # the year's figures are final: no forecast
    sheet = book.add_worksheet("完成情况")
    sheet.write_string(0, 0, safe_cell(text.title), title)
    sheet.write_string(1, 0, f"统计截至 {f['as_of']}，时间进度 {f['elapsed_pct']}%")
    head = ["排名", "单位"]
    for m in f["metrics"]:
        head += [
            f"{m['name']}目标",
            f"{m['name']}完成",
            f"{m['name']}完成率(%)",
            f"{m['name']}差距",
            f"{m['name']}进度",
            f"{m['name']}年底预测",
        ]
    head += ["平均完成率(%)", "总体进度"]
    for c, h in enumerate(head):
        sheet.write_string(3, c, h, bold)
    ordered = sorted(f["rows"], key=lambda r: (r["rank"] is None, r["rank"] or 0))
    for r_i, row in enumerate([*ordered, {"rank": None, "name": "合计", **f["total"], "light": ""}], start=4):
        sheet.write(r_i, 0, row.get("rank") or "", cell)
        sheet.write_string(r_i, 1, safe_cell(row["name"]), cell)
        col = 2
        for m in f["metrics"]:
            c = row["cells"][m["code"]]
            for value, fmt in (
                (c["target"], cell),
                (c["actual"], cell),
                (c["pct"], pct),
                (c["gap"], cell),
                (LIGHTS.get(c["light"], ""), red if c["light"] == "behind" else cell),
                (None if year_over else c.get("forecast"), cell),
            ):
                if value is None:
                    sheet.write_blank(r_i, col, None, fmt)
                elif isinstance(value, str):
                    sheet.write_string(r_i, col, value, fmt)
                else:
                    sheet.write_number(r_i, col, value, fmt)
                col += 1
        score = row.get("score")
        sheet.write(r_i, col, score if score is not None else "", pct)
        sheet.write_string(r_i, col + 1, LIGHTS.get(row.get("light", ""), ""), cell)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, len(head), 11)
    sheet.freeze_panes(4, 2)

    ind = book.add_worksheet("建制率指标")
    ind.write_string(0, 0, "指标", bold)
    for c, h in enumerate(
        ["单位", "分子", "分母", "比率(%)", "达标线(%)", "是否低于达标线", "口径"], start=1
    ):
        ind.write_string(0, c, h, bold)
    r_i = 1
    figures = f.get("indicators", {})
    if figures.get("unavailable"):  # the registry cannot give the bulletin day's figures: say so
        ind.write_string(r_i, 0, figures["unavailable"], cell)
        r_i += 1
    for item in figures.get("indicators", []):
        if item.get("unavailable"):
            ind.write_string(r_i, 0, item["name"], cell)
            ind.write_string(r_i, 1, item["unavailable"], cell)
            r_i += 1
            continue
        for row in [*item["rows"], {"name": "合计", **item["total"]}]:
            ind.write_string(r_i, 0, item["name"], cell)
            ind.write_string(r_i, 1, safe_cell(row["name"]), cell)
            ind.write_number(r_i, 2, row["num"], cell)
            ind.write_number(r_i, 3, row["den"], cell)
            ind.write(r_i, 4, row["rate"] if row["rate"] is not None else "", pct)
            ind.write(r_i, 5, item["threshold"] if item["threshold"] is not None else "", cell)
            ind.write_string(r_i, 6, "是" if row["below"] else "", red)
            ind.write_string(r_i, 7, f"{item['numerator']} ÷ {item['denominator']}", cell)
            r_i += 1
    ind.set_column(0, 0, 36)
    ind.set_column(1, 1, 26)
    ind.set_column(7, 7, 50)
    book.close()
    return buf.getvalue()


# -- PDF ----------------------------------------------------------------------------------------------
def to_pdf(snapshot: Snapshot, text: BulletinText) -> bytes:
    from django.template.loader import render_to_string
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    images = {"bar": base64.b64encode(charts.completion_bar(snapshot.figures)).decode()}
    if snapshot.figures.get("monthly", {}).get("labels"):
        images["line"] = base64.b64encode(charts.monthly_line(snapshot.figures["monthly"])).decode()
    layout = table_layout(text.table_head, text.table_rows)
    columns = [
        {"width": f"{w:.2f}mm", "nowrap": i == NAME_COLUMN or not layout.wrap_figures}
        for i, w in enumerate(layout.widths_mm)
    ]
    rows = [
        [
            (value if c["nowrap"] else mark_safe("/<wbr>".join(escape(p) for p in value.split("/"))), c)
            for value, c in zip(row, columns, strict=True)
        ]
        for row in text.table_rows
    ]
    html = render_to_string(
        "reports/bulletin_pdf.html",
        {
            "text": text,
            "images": images,
            "page": PAGE,
            "table": {
                "font": f"{layout.font_pt}pt",
                "width": f"{TEXT_WIDTH_MM}mm",
                "pad": f"{CELL_PAD_MM}mm",
                "columns": columns,
            },
            "rows": rows,
        },
    )
    return HTML(string=html).write_pdf()
