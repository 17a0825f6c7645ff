"""The evaluation's files: Excel in a fixed layout (results, then every score with its source) and Word in
the GB/T 9704 layout of the quarterly bulletin (``reports.bulletin``'s helpers). Both read the stored
scores of the rows the user sees, never live data."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from gonghui.reports import bulletin
from gonghui.reports.bulletin import HEADING_FONT, SIZE_2, TITLE_FONT, cn_date, para, safe_cell

from .models import Evaluation, Score, SheetItem, UnitResult


def fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def matrix(evaluation: Evaluation, results: QuerySet[UnitResult]) -> tuple[list[SheetItem], list[dict]]:
    """The items and, per visible row in rank order, its scores by item id."""
    items = list(evaluation.sheet.items.all())
    rows = []
    scores: dict[int, dict[int, Score]] = {}
    for s in Score.objects.filter(result__in=results).select_related("item"):
        scores.setdefault(s.result_id, {})[s.item_id] = s
    for result in results.select_related("unit").order_by("rank", "unit__path"):
        rows.append({"result": result, "scores": scores.get(result.pk, {})})
    return items, rows


def title(evaluation: Evaluation) -> str:
    return f"{evaluation.issuer.name}{evaluation.year}年度考核评价结果"


def _head_rows(items: list[SheetItem], rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    scored = [i for i in items if not i.is_veto]
    head = [
        "名次",
        "单位",
        *[f"{i.name}（{fmt(i.max_score)}分）" for i in scored],
        "总分",
        "一票否决",
        "评先评优",
    ]
    body = []
    for row in rows:
        r: UnitResult = row["result"]
        cells = [fmt(row["scores"][i.pk].score) if i.pk in row["scores"] else "—" for i in scored]
        body.append(
            [str(r.rank or "—"), r.unit.name, *cells, fmt(r.total), "是" if r.vetoed else "否",
             "取消" if r.vetoed else "具备"]
        )  # fmt: skip
    return head, body


def to_xlsx(evaluation: Evaluation, results: QuerySet[UnitResult]) -> bytes:
    import xlsxwriter

    items, rows = matrix(evaluation, results)
    head, body = _head_rows(items, rows)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format(
        {"bold": True, "font_name": "宋体", "border": 1, "bg_color": "#F2F2F2", "text_wrap": True}
    )
    cell = book.add_format({"font_name": "宋体", "border": 1})
    red = book.add_format({"font_name": "宋体", "border": 1, "font_color": "#C00000"})
    big = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})

    sheet = book.add_worksheet("考核结果")
    sheet.write_string(0, 0, safe_cell(title(evaluation)), big)
    sheet.write_string(
        1, 0,
        f"评分表：{evaluation.sheet.title}；数据截至 {evaluation.as_of:%Y-%m-%d}；满分 "
        f"{fmt(evaluation.sheet.full_marks())} 分；状态：{evaluation.get_status_display()}",
    )  # fmt: skip
    for c, text in enumerate(head):
        sheet.write_string(3, c, text, bold)
    for r, values in enumerate(body, start=4):
        vetoed = rows[r - 4]["result"].vetoed
        for c, value in enumerate(values):
            numeric = c not in (1, len(values) - 2, len(values) - 1) and value not in ("—", "")
            style = red if vetoed and c >= len(values) - 2 else cell
            if numeric:
                sheet.write_number(r, c, float(value), style)
            else:
                sheet.write_string(r, c, safe_cell(value), style)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, len(head) - 1, 11)
    sheet.freeze_panes(4, 2)

    detail = book.add_worksheet("评分明细")
    cols = [
        "单位",
        "考核项目",
        "类别",
        "分值",
        "评分方式",
        "来源数值",
        "得分",
        "否决",
        "计分说明",
        "评分说明",
        "佐证材料",
    ]
    for c, text in enumerate(cols):
        detail.write_string(0, c, text, bold)
    r = 1
    for row in rows:
        for item in items:
            s = row["scores"].get(item.pk)
            if s is None:
                continue
            values = [
                row["result"].unit.name, item.name, item.get_kind_display(), fmt(item.max_score),
                item.get_source_display(), fmt(s.value), fmt(s.score), "是" if s.vetoed else "否",
                s.explanation, s.note, s.evidence_name,
            ]  # fmt: skip
            for c, value in enumerate(values):
                detail.write_string(r, c, safe_cell(value), cell)
            r += 1
    detail.set_column(0, 1, 22)
    detail.set_column(8, 9, 50)
    book.close()
    return buf.getvalue()


def to_docx(evaluation: Evaluation, results: QuerySet[UnitResult]) -> bytes:
    items, rows = matrix(evaluation, results)
    head, body = _head_rows(items, rows)
    doc = bulletin.gbt9704_document()
    para(
        doc,
        title(evaluation) + "通报",
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    para(doc, indent=False)
    para(doc, "各县（市、区）总工会、开发区工会：", indent=False)
    n = evaluation.results.count()
    vetoed = [row["result"] for row in rows if row["result"].vetoed]
    para(
        doc,
        f"根据《{evaluation.sheet.title}》，{evaluation.issuer.name}对{n}个单位{evaluation.year}年度工作进行了考核评价，"
        f"自动取数项按{cn_date(evaluation.as_of)}的数据计算，人工评分项依据各单位报送的佐证材料评定。现将结果通报如下。",
    )
    para(doc, "一、总体情况", font=HEADING_FONT)
    if rows and len(rows) < n:
        # A unit's copy: its own row only, never its siblings' figures.
        own = rows[0]["result"]
        veto = "，被一票否决，取消当年评先评优资格" if own.vetoed else ""
        para(doc, f"{own.unit.name}得分{fmt(own.total)}分，名次第{own.rank}名（共{n}个单位参评）{veto}。")
    elif rows:
        top = rows[0]["result"]
        average = sum((row["result"].total for row in rows), start=Decimal(0)) / len(rows)
        para(
            doc,
            f"参评单位{n}个，满分{fmt(evaluation.sheet.full_marks())}分，平均得分{fmt(average.quantize(Decimal('0.01')))}分，"
            f"最高{top.unit.name}{fmt(top.total)}分。{len(vetoed)}个单位被一票否决，取消当年评先评优资格。",
        )
    para(doc, "二、考核结果", font=HEADING_FONT)
    lead = para(
        doc, "各单位得分及排名见下表（按总分排名；被一票否决的单位仍列出名次，但不具备评先评优资格）。"
    )
    lead.paragraph_format.keep_with_next = True
    short_head = ["名次", "单位", "总分", "一票否决", "评先评优"]
    short_body = [[b[0], b[1], b[-3], b[-2], b[-1]] for b in body]
    bulletin.docx_table(doc, short_head, short_body)
    para(doc, "三、一票否决情况", font=HEADING_FONT)
    if vetoed:
        for i, r in enumerate(vetoed, start=1):
            para(doc, f"{i}.{r.unit.name}：{r.veto_reasons or '一票否决'}。")
    else:
        para(doc, "本年度没有被一票否决的单位。")
    # A heading stays on the page of its table.
    para(doc, "四、各项得分", font=HEADING_FONT).paragraph_format.keep_with_next = True
    bulletin.docx_table(doc, head[:-2], [b[:-2] for b in body])
    when = (
        timezone.localtime(evaluation.finalised_at).date()
        if evaluation.finalised_at
        else timezone.localdate()
    )
    bulletin.signature(doc, evaluation.issuer.name, cn_date(when))
    return bulletin.docx_bytes(doc)
