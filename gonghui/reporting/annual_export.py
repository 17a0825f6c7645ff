"""The 年报 exported: .xlsx in a fixed layout (one sheet per table: title, 填报单位, 截至日期, units, the
same rows and columns every year, then a sheet of the logical checks), and a .docx / .pdf summary in the
GB/T 9704 layout of the quarterly bulletin (``gonghui.reports.bulletin``'s helpers)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.html import escape

from gonghui.reports.bulletin import (
    BODY_FONT,
    CELL_PAD_MM,
    HEADING_FONT,
    PAGE,
    SIZE_2,
    TEXT_WIDTH_MM,
    TITLE_FONT,
    docx_table,
    gbt9704_document,
    para,
    table_layout,
)
from gonghui.targets.asof import cn_date

from .annual import AnnualTables, Table, statistical_year
from .annual_checks import Failure

SHEET_HEAD_ROW = 4  # the column headers of every table sheet (rows 0–3: title, unit and date, units, blank)


def title_of(tables: AnnualTables) -> str:
    start, end = statistical_year(tables.as_of)
    return f"{tables.node_name}工会组织和会员统计年报（{start.year}—{end.year}统计年度）"


def _cell(value: int | None) -> str:
    return "—" if value is None else f"{value}"


def _safe(text: str) -> str:
    """Text Excel would read as a formula gets a leading apostrophe (names come from users)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_xlsx(tables: AnnualTables, failures: Sequence[Failure] = ()) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    title = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})
    plain = book.add_format({"font_name": "宋体"})
    head = book.add_format(
        {
            "bold": True,
            "font_name": "宋体",
            "border": 1,
            "bg_color": "#F2F2F2",
            "text_wrap": True,
            "align": "center",
        }
    )
    cell = book.add_format({"font_name": "宋体", "border": 1})
    total = book.add_format({"font_name": "宋体", "border": 1, "bold": True})
    number = book.add_format({"font_name": "宋体", "border": 1, "num_format": "#,##0"})
    for table in tables.tables:
        sheet = book.add_worksheet(f"{table.code} {table.title}"[:31])
        sheet.write_string(0, 0, _safe(f"{table.code} {table.title}"), title)
        sheet.write_string(1, 0, _safe(f"填报单位：{tables.node_name}"), plain)
        sheet.write_string(1, 3, f"截至日期：{cn_date(tables.as_of)}", plain)
        sheet.write_string(2, 0, f"计量单位：{table.unit}", plain)
        sheet.write_string(SHEET_HEAD_ROW, 0, "项目", head)
        for c, (_key, label) in enumerate(table.columns, start=1):
            sheet.write_string(SHEET_HEAD_ROW, c, label, head)
        for r, row in enumerate(table.rows, start=SHEET_HEAD_ROW + 1):
            sheet.write_string(r, 0, row.label, total if row.is_total else cell)
            for c, (key, _label) in enumerate(table.columns, start=1):
                value = row.values[key]
                if value is None:
                    sheet.write_string(r, c, "—", cell)
                else:
                    sheet.write_number(r, c, value, number)
        after = SHEET_HEAD_ROW + len(table.rows) + 2
        for line in (table.unavailable, table.note):
            if line:
                sheet.write_string(after, 0, f"说明：{line}", plain)
                after += 1
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(table.columns), 16)
        sheet.set_row(SHEET_HEAD_ROW, 36)
    checks = book.add_worksheet("逻辑检查")
    checks.write_string(0, 0, "逻辑检查结果", title)
    explained = sum(1 for f in failures if f.explained)
    status = f"{len(failures) - explained} 项未通过" if len(failures) > explained else "全部通过"
    if explained:
        status += f"（{explained} 项已作核查说明）"
    checks.write_string(1, 0, status, plain)
    for c, h in enumerate(["表", "行", "列", "问题", "涉及记录", "说明"]):
        checks.write_string(3, c, h, head)
    for r, f in enumerate(failures, start=4):
        records = "、".join(f"{x.kind}「{x.name}」" + (f"（编号 {x.id}）" if x.id else "") for x in f.records)
        for c, text in enumerate([f.table, f.row, f.column, f.message, records, f.explanation]):
            checks.write_string(r, c, _safe(text), cell)
    checks.set_column(0, 0, 30)
    checks.set_column(1, 2, 18)
    checks.set_column(3, 4, 50)
    book.close()
    return buf.getvalue()


# -- the summary (docx / pdf) -------------------------------------------------------------------------


def _grid(table: Table) -> tuple[list[str], list[list[str]]]:
    head = ["项目", *(label for _, label in table.columns)]
    rows = [[row.label, *(_cell(row.values[c]) for c, _ in table.columns)] for row in table.rows]
    return head, rows


def summary_paragraphs(tables: AnnualTables, failures: Sequence[Failure]) -> list[str]:
    s = tables.summary()
    start, end = statistical_year(tables.as_of)
    out = [
        f"本报告统计{start.year}年10月1日至{end.year}年9月30日统计年度，数据截至{cn_date(tables.as_of)}，"
        "由工会组织和会员台账按该日的登记情况生成。"
    ]
    if s["grassroots_unions"] is not None:
        out.append(
            f"截至{cn_date(tables.as_of)}，本单位及所属单位共有基层工会组织{s['grassroots_unions']}个。"
        )
    if s["members"] is not None:
        out.append(
            f"会员{s['members']}人，其中女性会员{s['women_members']}人、农民工会员{s['migrant_members']}人、"
            f"新就业形态劳动者会员{s['new_form_members']}人。"
        )
    if s["workplaces"] is not None:
        out.append(f"所辖单位{s['workplaces']}个，其中已建会单位{s['workplaces_covered']}个。")
    out.append(checks_sentence(failures))
    return out


def checks_sentence(failures: Sequence[Failure]) -> str:
    """The checks in one sentence: an explained failure (核查说明) is said apart from one still open."""
    explained = sum(1 for f in failures if f.explained)
    open_ = len(failures) - explained
    if not failures:
        return "逻辑检查全部通过。"
    if not open_:
        return f"逻辑检查未通过的{explained}项均已作核查说明，详见第三部分。"
    said = f"，另有{explained}项已作核查说明" if explained else ""
    return f"逻辑检查有{open_}项未通过{said}，详见第三部分。"


def failure_line(failure: Failure) -> str:
    said = f"（核查说明：{failure.explanation}）" if failure.explained else ""
    return f"{failure.where()}：{failure.message}{said}"


def _table_title(table: Table) -> str:
    return f"{table.code} {table.title}（单位：{table.unit}）"


def _keep_together(table) -> None:
    """A 年报 table (a dozen rows) on one page: every row's paragraphs kept with the next row."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def to_docx(tables: AnnualTables, failures: Sequence[Failure] = ()) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = gbt9704_document()
    # The statistical year on a line of its own (left to wrap, "（2022" ends the first line).
    title = title_of(tables).replace("（", "\n（", 1)
    para(doc, title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, indent=False)
    para(doc, f"填报单位：{tables.node_name}　　截至日期：{cn_date(tables.as_of)}", indent=False)
    para(doc, "一、总体情况", font=HEADING_FONT)
    for text in summary_paragraphs(tables, failures):
        para(doc, text)
    para(doc, "二、统计表", font=HEADING_FONT)
    for table in tables.tables:
        heading = para(doc, _table_title(table), font=HEADING_FONT, indent=False)
        heading.paragraph_format.keep_with_next = True  # a table's title stays on its page
        if table.unavailable:
            para(doc, table.unavailable)
            continue
        head, rows = _grid(table)
        docx_table(doc, head, rows, name_column=0)
        _keep_together(doc.tables[-1])
        if table.note:
            para(doc, f"注：{table.note}")
    if failures:
        para(doc, "三、逻辑检查未通过的项目", font=HEADING_FONT)
        for i, f in enumerate(failures, start=1):
            para(doc, f"{i}.{failure_line(f)}")
    para(doc, indent=False)
    para(doc, tables.node_name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)
    para(doc, cn_date(tables.as_of), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_PDF_STYLE = """
@page { size: A4; margin: %(top)smm %(right)smm %(bottom)smm %(left)smm;
  @bottom-right { content: "— " counter(page) " —"; font-family: "宋体", "Noto Serif CJK SC", serif; font-size: 14pt; } }
body { font-family: "%(body)s", "仿宋", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 10.23mm; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.plain { text-indent: 0; }
h1 { font-family: "%(title)s", "Noto Serif CJK SC", serif; font-weight: 900; font-size: 22pt; text-align: center;
  margin: 10.23mm 0; line-height: 1.4; }
h2, h3 { font-family: "%(heading)s", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; margin: 0; }
h2 { text-indent: 2em; }
table { border-collapse: collapse; table-layout: fixed; width: %(width)smm; line-height: 1.35; margin: 2mm 0 4mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table { break-inside: avoid; }
h3 { break-after: avoid; }
th, td { border: 0.75pt solid #000; padding: 0.8mm %(pad)smm; text-align: center; vertical-align: middle; }
th { font-family: "%(heading)s", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
td.name { text-align: left; white-space: nowrap; }
.sign { text-align: right; text-indent: 0; margin-right: 4em; }
"""


def to_pdf(tables: AnnualTables, failures: Sequence[Failure] = ()) -> bytes:
    from weasyprint import HTML

    style = _PDF_STYLE % {
        **PAGE,
        "body": BODY_FONT,
        "title": TITLE_FONT,
        "heading": HEADING_FONT,
        "width": TEXT_WIDTH_MM,
        "pad": CELL_PAD_MM,
    }
    parts = [f"<h1>{escape(title_of(tables))}</h1>"]
    parts.append(
        f'<p class="plain">填报单位：{escape(tables.node_name)}　　截至日期：{cn_date(tables.as_of)}</p>'
    )
    parts.append("<h2>一、总体情况</h2>")
    parts += [f"<p>{escape(t)}</p>" for t in summary_paragraphs(tables, failures)]
    parts.append("<h2>二、统计表</h2>")
    for table in tables.tables:
        parts.append(f"<h3>{escape(_table_title(table))}</h3>")
        if table.unavailable:
            parts.append(f"<p>{escape(table.unavailable)}</p>")
            continue
        head, rows = _grid(table)
        layout = table_layout(head, rows, name_column=0)
        cols = "".join(f'<col style="width: {w:.2f}mm">' for w in layout.widths_mm)
        ths = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join(
            "<tr>"
            + "".join(f"<td{' class=name' if i == 0 else ''}>{escape(v)}</td>" for i, v in enumerate(r))
            + "</tr>"
            for r in rows
        )
        parts.append(
            f'<table style="font-size: {layout.font_pt}pt"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"
        )
        if table.note:
            parts.append(f"<p>注：{escape(table.note)}</p>")
    if failures:
        parts.append("<h2>三、逻辑检查未通过的项目</h2>")
        parts += [f"<p>{i}.{escape(failure_line(f))}</p>" for i, f in enumerate(failures, start=1)]
    parts.append('<p class="plain">&nbsp;</p>')
    parts.append(f'<p class="sign">{escape(tables.node_name)}</p><p class="sign">{cn_date(tables.as_of)}</p>')
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head><body>'
    )
    html += "".join(parts) + "</body></html>"
    return HTML(string=html).write_pdf()
