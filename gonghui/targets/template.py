"""The target table template (.xlsx) offered on the upload page: the layout ``importer.parse`` reads —
a title line, a header row 「单位」 + the metric names, one row per direct sub-unit of the issuer
with its full name — plus a 填写说明 sheet. Written with xlsxwriter (opens in Excel and WPS)."""

from __future__ import annotations

import io

import xlsxwriter

from gonghui.orgs.models import UnionOrg

from . import services
from .models import Metric


def build_template(issuer: UnionOrg, year: int) -> bytes:
    services.ensure_metrics()
    metrics = list(Metric.objects.exclude(source=Metric.Source.MANUAL).order_by("order"))
    children = UnionOrg.objects.filter(parent=issuer, status=UnionOrg.Status.ACTIVE).order_by("path")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("目标分解表")
    title = book.add_format({"bold": True, "font_size": 14, "font_name": "宋体"})
    head = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True}
    )
    name = book.add_format({"border": 1, "font_name": "宋体"})
    number = book.add_format({"border": 1, "num_format": "0", "bg_color": "#FFFFF0"})
    sheet.write_string(0, 0, f"{issuer.name}{year}年基层组织建设目标任务分解表", title)
    sheet.write_string(2, 0, "单位", head)
    for c, metric in enumerate(metrics, start=1):
        sheet.write_string(2, c, metric.name, head)
        sheet.set_column(c, c, max(12, len(metric.name) * 2 + 2))
    for r, child in enumerate(children, start=3):
        sheet.write_string(r, 0, child.name, name)
        for c in range(1, len(metrics) + 1):
            sheet.write_blank(r, c, None, number)
    last = 3 + max(len(children), 1) - 1
    sheet.data_validation(
        3,
        1,
        last,
        len(metrics),
        {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": "目标值",
            "error_message": "请填写不小于 0 的整数",
        },
    )
    sheet.set_column(0, 0, max(16, max((len(c.name) for c in children), default=8) * 2 + 2))
    sheet.freeze_panes(3, 1)

    notes = book.add_worksheet("填写说明")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 90)
    lines = [
        "填写说明",
        f"1. 每行一个「{issuer.name}」的下级组织，单位名称已按系统中的全称列出，请勿改名；不下达目标的单位可整行删除。",
        "2. 各指标列填写年度净增目标（不小于 0 的整数），不下达的指标可留空或删除该列。",
        "3. 「其中农民工会员数」「其中新业态会员数」不得大于同一行的「会员数」。",
        "4. 如需「合计」行，请放在最后一行，各列合计须等于各行之和，否则整张表不导入并指出哪一列不符。",
        "5. 第一行标题可修改，导入时作为默认标题。",
    ]
    for r, line in enumerate(lines):
        notes.write_string(r, 0, line, wrap)
    book.close()
    return buffer.getvalue()
