"""The match report of a directory import: every row of the file as typed, plus 匹配结果, 匹配单位编号,
置信度, 是否注销 and 错误原因 (.csv in UTF-8 with a BOM, which Excel opens as such, or .xlsx)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import xlsxwriter

from gonghui.core.exports import escape_cell
from gonghui.imports.engine import Result
from gonghui.imports.reader import read_table

from .importer import DirectoryImporter

REPORT_COLUMNS = ("匹配结果", "匹配单位编号", "置信度", "是否注销", "错误原因")


def write_match_report(path: Path, file_name: str, result: Result, out: Path) -> int:
    table = read_table(path, file_name)
    DirectoryImporter(None).match(table, file_name)  # the same rows the import saw (example row dropped)
    header = [str(h) for h in table.header] + list(REPORT_COLUMNS)
    width = len(table.header)
    rows = []
    for row, outcome in zip(table.rows, result.row_outcomes, strict=False):
        cells = ["" if v is None else v for v in row[:width]] + [""] * (width - len(row))
        rows.append([*cells, *outcome])
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the rows may name people
    os.close(fd)
    if out.suffix.lower() == ".csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[escape_cell(str(v)) for v in r] for r in rows])
    else:
        workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet("匹配结果")
        for c, name in enumerate(header):
            sheet.write_string(0, c, name)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                elif value not in (None, ""):
                    sheet.write_string(r, c, str(value))
        workbook.close()
    return len(rows)
