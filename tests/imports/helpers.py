"""Real ledger files for the import tests: xlsx (xlsxwriter), xls (xlwt), csv in UTF-8/BOM/GBK."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter
import xlwt

MEMBER_HEADER = ["姓名", "身份证号", "手机号", "所在工会", "入会日期", "是否农民工", "新就业形态群体"]


def write_xlsx(path: Path, header: list, rows: list[list], merge_header: bool = False) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    if merge_header:
        sheet.merge_range(0, 0, 0, 1, header[0])
        for c, name in enumerate(header[2:], start=2):
            sheet.write_string(0, c, name)
    else:
        for c, name in enumerate(header):
            sheet.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, tuple) and value[0] == "formula":
                sheet.write_formula(r, c, value[1], None, value[2])
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def write_xls(path: Path, header: list, rows: list[list]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("会员")
    for c, name in enumerate(header):
        sheet.write(0, c, name)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, header: list, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
