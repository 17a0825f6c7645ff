"""The error report: the user's own rows, unchanged, plus 错误原因 — fix in Excel, upload again.

Written twice per job: as typed (for the importer and 查看敏感信息) and masked (for everyone else who
may see the job): ID and phone columns masked cell by cell, every other text through ``mask_text``.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import xlsxwriter

from gonghui.core.masking import mask_id_number, mask_phone, mask_text

from .engine import Result, iter_issue_text
from .reader import Table


def write_report(table: Table, result: Result, out: Path | str, masked: dict[int, str] | None = None) -> int:
    """Write the rows that have errors or warnings; returns how many rows were written.

    Values are written with their own type (write_string for text, so a cell that starts with ``=``
    stays text and is never turned into a formula). ``masked`` (column position → "id_number" or
    "phone") writes the masked report instead."""
    texts = iter_issue_text(result.issues)
    errors = result.error_rows()
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("错误报告")
    text = workbook.add_format({"num_format": "@"})
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    reason_head = workbook.add_format({"bold": True, "bg_color": "#F8D7DA", "border": 1})
    reason = workbook.add_format({"font_color": "#B02A37", "text_wrap": False})
    warn = workbook.add_format({"font_color": "#8A6D3B"})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    width = max(len(table.header), max((len(r) for r in table.rows), default=0))
    for c in range(width):
        sheet.set_column(c, c, 16, text)
    sheet.set_column(width, width, 60)
    sheet.set_column(width + 1, width + 1, 8)
    for c, name in enumerate(table.header):
        sheet.write_string(0, c, str(name), head)
    sheet.write_string(0, width, "错误原因", reason_head)
    sheet.write_string(0, width + 1, "原行号", head)
    out_row = 0
    for index in sorted(texts):
        out_row += 1
        for c, value in enumerate(table.rows[index]):
            if masked is not None:
                value = _masked(value, masked.get(c))
            _write(sheet, out_row, c, value, date_fmt)
        text = texts[index] if masked is None else mask_text(texts[index])
        sheet.write_string(out_row, width, text, reason if index in errors else warn)
        sheet.write_number(out_row, width + 1, table.excel_row(index))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return out_row


def _write(sheet, row: int, col: int, value: object, date_fmt) -> None:
    """A value the workbook cannot hold as such (NaN, infinity, a date before 1900, a number beyond
    Excel's range) is written as its text: the report must never fail on the user's own data."""
    if value is None or value == "":
        return
    try:
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float) and math.isfinite(value) and abs(value) < 1e307:
            sheet.write_number(row, col, value)
        elif isinstance(value, dt.datetime | dt.date) and 1900 <= value.year <= 9999:
            sheet.write_datetime(row, col, value, date_fmt)
        else:
            sheet.write_string(row, col, str(value))
    except (TypeError, ValueError, OverflowError):
        sheet.write_string(row, col, str(value))


def _masked(value: object, kind: str | None) -> object:
    if kind is None:
        return mask_text(value) if isinstance(value, str) else value
    if value is None or value == "" or isinstance(value, bool | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split())
    if kind == "phone":
        return mask_phone(text)
    if len(text) >= 15:
        return mask_id_number(text)
    return "*" * max(len(text) - 4, 0) + text[-4:]
