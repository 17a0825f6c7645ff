"""The downloadable import template (.xlsx): the columns, dropdowns for enumerated columns, an
example row and a 填写说明 sheet. Written with xlsxwriter; the dropdown lists live on a hidden sheet
and are referenced by range, which Excel and WPS both keep (an inline list is limited to 255 chars)."""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .columns import Column
from .engine import importer_class

EXAMPLE_MARK = "（示例）"  # the example row's first cell ends with this; imports skip that row
TEMPLATE_ROWS = 5000  # rows that get the text format and the dropdowns


def _choices(column: Column) -> list[str]:
    if column.dynamic_choices is not None:
        return column.dynamic_choices()
    return list(column.choices)


def build_template(kind: str) -> bytes:
    importer = importer_class(kind)
    columns = importer.columns
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    title = importer.title
    sheet = book.add_worksheet(f"{title}导入")
    notes = book.add_worksheet("填写说明")
    options = book.add_worksheet("选项")
    options.hide()

    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    head_required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "font_color": "#C00000", "border": 1, "align": "center"}
    )
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"num_format": "@", "italic": True, "font_color": "#808080"})

    for c, column in enumerate(columns):
        label = column.label + ("*" if column.required else "")
        sheet.write_string(0, c, label, head_required if column.required else head)
        sheet.set_column(c, c, max(12, len(column.label) * 2 + 4), text if column.text else None)
        if column.help:
            sheet.write_comment(0, c, column.help, {"x_scale": 2})
        value = column.example
        if c == 0:
            value = f"{value}{EXAMPLE_MARK}"
        if value != "":
            sheet.write_string(1, c, str(value), example)
        choices = _choices(column)
        if choices:
            col_name = xl_col_to_name(c)
            options.write_string(0, c, column.label)
            for r, choice in enumerate(choices, start=1):
                options.write_string(r, c, choice)
            sheet.data_validation(
                1,
                c,
                TEMPLATE_ROWS,
                c,
                {
                    "validate": "list",
                    "source": f"=选项!${col_name}$2:${col_name}${len(choices) + 1}",
                    "error_title": "不是可选值",
                    "error_message": f"{column.label}请从下拉列表中选择",
                    "error_type": "stop" if column.choices else "warning",
                },
            )
    sheet.freeze_panes(1, 0)

    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    notes.set_column(0, 0, 20)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 70)
    notes.set_column(3, 3, 40)
    notes.write_row(0, 0, ["列名", "必填", "说明", "可选值"], bold)
    for r, column in enumerate(columns, start=1):
        aliases = f"（也可写作：{'、'.join(column.aliases)}）" if column.aliases else ""
        notes.write_string(r, 0, column.label, wrap)
        notes.write_string(r, 1, "是" if column.required else "", wrap)
        notes.write_string(r, 2, f"{column.help}{aliases}", wrap)
        notes.write_string(r, 3, "、".join(_choices(column)), wrap)
    tail = len(columns) + 2
    for i, line in enumerate(
        [
            "1. 第一行是列名，请勿修改或合并单元格；列的顺序可以调整，多余的列导入时忽略并提示。",
            f"2. 第二行是示例（第一格带「{EXAMPLE_MARK}」），导入时自动跳过，也可以直接删除。",
            "3. 带 * 的列必须填写；带下拉框的列请从下拉列表选择。",
            "4. 身份证号、手机号、统一社会信用代码列已设为文本格式；从别处粘贴时请用「选择性粘贴 → 数值」，"
            "不要让 Excel 把身份证号变成 3.40207E+17 这样的数字（末几位会丢失）。",
            "5. 日期可写成 2023-05-01、2023/5/1、2023.5.1、2023年5月1日 或 20230501。",
            "6. 导入前系统会先预检：列出每一行的错误和原因，可下载错误报告修改后重新上传；同一文件重复导入不会产生重复数据。",
        ]
    ):
        notes.write_string(tail + i, 0, line)
    book.close()
    return buffer.getvalue()
