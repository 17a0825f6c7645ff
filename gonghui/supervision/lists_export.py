"""三清单 as federations print them: one workbook, one sheet per list (问题清单、责任清单、任务清单), each
with a title row (the county and the list), the date line, a header row, 序号 and columns fitted to
their content. Written with xlsxwriter like every export (core.exports: formula-looking text escaped)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import xlsxwriter
from django.db.models import Prefetch, QuerySet

from gonghui.core.exports import escape_cell
from gonghui.orgs.models import UnionOrg

from .models import Problem, Responsibility, Task

PROBLEM_HEAD = ["序号", "问题描述", "问题来源", "严重程度", "发现日期", "督导单位", "状态", "销号日期"]
RESPONSIBILITY_HEAD = ["序号", "问题", "责任部门（单位）", "牵头负责人（职务）", "责任内容"]
TASK_HEAD = ["序号", "问题", "整改任务", "承办单位", "下达单位", "完成时限", "状态", "销号日期"]
MAX_WIDTH = 60  # characters: longer text wraps inside the cell


def display_width(text: str) -> float:
    """Width in Excel character units: a CJK character counts two, anything else one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return f"{value:%Y-%m-%d}"


def _rows(problems: QuerySet[Problem], as_of: dt.date) -> tuple[list, list, list]:
    ordered = (
        problems.select_related("supervisor")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("department__union", "union"),
            ),
            Prefetch(
                "tasks", queryset=Task.objects.select_related("assignee", "issuer").order_by("deadline", "pk")
            ),
        )
        .order_by("found_on", "pk")
    )
    problem_rows, responsibility_rows, task_rows = [], [], []
    for number, problem in enumerate(ordered, start=1):
        label = f"问题{number}"
        problem_rows.append(
            [
                number,
                problem.description,
                problem.get_source_display(),
                problem.get_severity_display(),
                _day(problem.found_on),
                str(problem.supervisor),
                problem.get_status_display(),
                _day(problem.closed_at),
            ]
        )
        for row in problem.responsibilities.all():
            owner = f"{row.department.union.name}{row.department.name}" if row.department else str(row.union)
            if row.department and row.union:
                owner += f"、{row.union}"
            responsibility_rows.append([len(responsibility_rows) + 1, label, owner, row.lead_title, row.note])
        for task in problem.tasks.all():
            task_rows.append(
                [
                    len(task_rows) + 1,
                    label,
                    task.title,
                    str(task.assignee),
                    str(task.issuer),
                    _day(task.deadline),
                    task.status_label(as_of),
                    _day(task.closed_at),
                ]
            )
    return problem_rows, responsibility_rows, task_rows


def lists_workbook(
    county: UnionOrg, problems: QuerySet[Problem], as_of: dt.date
) -> tuple[io.BytesIO, tuple[int, int, int]]:
    """The workbook (rewound) and how many rows each list holds."""
    sheets = dict(zip(("问题清单", "责任清单", "任务清单"), _rows(problems, as_of), strict=True))
    heads = {"问题清单": PROBLEM_HEAD, "责任清单": RESPONSIBILITY_HEAD, "任务清单": TASK_HEAD}
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    title = book.add_format(
        {"bold": True, "font_size": 16, "font_name": "方正小标宋简体", "align": "center", "valign": "vcenter"}
    )
    dated = book.add_format({"font_name": "宋体", "font_size": 10, "align": "right"})
    head = book.add_format(
        {"bold": True, "font_name": "黑体", "border": 1, "align": "center", "valign": "vcenter",
         "text_wrap": True, "bg_color": "#F2F2F2"}
    )  # fmt: skip
    cell = book.add_format({"font_name": "宋体", "border": 1, "valign": "vcenter", "text_wrap": True})
    centre = book.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter"})
    for name, rows in sheets.items():
        columns = heads[name]
        sheet = book.add_worksheet(name)
        sheet.merge_range(0, 0, 0, len(columns) - 1, f"{county.name}{name}", title)
        sheet.set_row(0, 30)
        sheet.merge_range(1, 0, 1, len(columns) - 1, f"截至 {as_of:%Y年%m月%d日}，共 {len(rows)} 条", dated)
        sheet.write_row(2, 0, columns, head)
        for r, values in enumerate(rows, start=3):
            for c, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(r, c, value, centre)
                else:
                    sheet.write_string(r, c, str(escape_cell(value)), cell)
        for c, header in enumerate(columns):
            longest = max([display_width(header)] + [display_width(str(row[c])) for row in rows])
            sheet.set_column(c, c, min(max(longest + 2, 6), MAX_WIDTH))
        sheet.repeat_rows(2)
        sheet.freeze_panes(3, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
    book.close()
    buf.seek(0)
    counts = (len(sheets["问题清单"]), len(sheets["责任清单"]), len(sheets["任务清单"]))
    return buf, counts
