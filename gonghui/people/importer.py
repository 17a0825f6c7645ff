"""Import the rosters counties keep (工会工作者花名册 .xlsx) through the imports engine, with the member
import's checks: the same ID normaliser (Excel numbers that lost digits, 15 → 18, check digit, birth
date), phone and date normalisers, unions resolved inside the importer's scope, duplicates inside the
file named by row. Each bad cell is a Chinese reason with its row and column; a file with any error
writes nothing (a roster is one whole: counts and staffing read from half a roster would mislead).

A person already on the register is left as it is (a warning): importing the same roster again changes
nothing. One outside the importer's subtree is an error that names neither the union nor the post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from gonghui.core import crypto
from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    normalize_date,
)
from gonghui.imports.columns import Column, HeaderMap
from gonghui.imports.engine import Progress, Result
from gonghui.imports.reader import Table
from gonghui.orgs.importer import OrgReferences

from . import services
from .models import Post, SubsidyGrade, UnionWorker


def post_names() -> list[str]:
    return list(Post.objects.filter(is_active=True).values_list("name", flat=True))


def grade_names() -> list[str]:
    return list(SubsidyGrade.objects.filter(is_active=True).values_list("name", flat=True))


WORKER_COLUMNS = [
    Column("name", "姓名", ("名字",), True, "2–50 个字", "张三"),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证", "证件号码"),
        True,
        "18 位居民身份证号（15 位一代证自动升级）；请把本列设为「文本」格式",
        "340207199001011236",
        text=True,
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话", "电话"),
        False,
        "11 位手机号或带区号的座机",
        "13812345678",
        text=True,
    ),
    Column(
        "union",
        "所在工会",
        ("工会名称", "所属工会", "工会", "服务工会"),
        True,
        "县级或乡镇（街道）、园区工会的全称，须在您的管辖范围内；导入时指定了默认工会的可留空",
        "某某街道总工会",
    ),
    Column(
        "post",
        "岗位",
        ("岗位类别", "岗位名称"),
        True,
        "如 社会化工会工作者",
        "社会化工会工作者",
        dynamic_choices=post_names,
    ),
    Column(
        "employer",
        "劳动合同单位",
        ("用工单位", "派遣单位", "签约单位"),
        False,
        "签订劳动合同或派遣协议的单位",
        "",
    ),
    Column(
        "start_date",
        "到岗日期",
        ("到岗时间", "聘用日期", "入职日期"),
        True,
        "如 2023-05-01、2023年5月1日",
        "2023-05-01",
    ),
    Column(
        "probation_end",
        "试用期满日期",
        ("试用期满", "转正日期"),
        False,
        "仍在试用期的填写；已转正的可留空",
        "",
    ),
    Column("grade", "补贴档次", ("档次", "薪酬档次"), False, "如 一档", "一档", dynamic_choices=grade_names),
]


@dataclass
class WorkerRow:
    index: int
    hire: services.Hire


class UnionWorkerImporter(OrgReferences):
    kind = "union_workers"
    title = "工会工作者"
    columns = WORKER_COLUMNS
    model = "people.unionworker"
    list_url = "people:worker-list"
    default_column = "union"
    sensitive_columns = ("id_number", "phone")

    def may_commit(self, result: Result) -> bool:
        return not result.errors

    def validate(self, table: Table, hmap: HeaderMap, result: Result) -> list[WorkerRow]:
        n = len(table.rows)
        bad: set[int] = set()
        today = dt.date.today()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        names, ids = self.person_columns(table, hmap, result, bad)
        phones = self.phone_column(table, hmap, result, bad)
        unions = self.resolve_union(result, col("union"), "union", bad)
        posts = {p.name: p for p in Post.objects.filter(is_active=True)}
        grades = {g.name: g for g in SubsidyGrade.objects.filter(is_active=True)}
        post_values = self.per_value(result, col("post"), "post", self.one_of(posts, "岗位", True), bad)
        grade_values = self.per_value(result, col("grade"), "grade", self.one_of(grades, "补贴档次"), bad)

        def start(raw):
            value = normalize_date(raw)
            if value is None:
                raise InvalidValue("到岗日期不能为空")
            if value > today:
                raise InvalidValue(f"到岗日期 {value:%Y-%m-%d} 晚于今天")
            return value

        starts = self.per_value(result, col("start_date"), "start_date", start, bad)
        probations = self.per_value(result, col("probation_end"), "probation_end", normalize_date, bad)
        employers = [clean_text(v)[:200] for v in col("employer")]

        rows: list[WorkerRow] = []
        for index in range(n):
            if index in bad:
                continue
            hire = services.Hire(
                resident_id=ids[index],
                name=names[index],
                union=unions[index],
                post=post_values[index],
                start_date=starts[index],
                phone=phones[index] or "",
                employer=employers[index],
                probation_end=probations[index],
                grade=grade_values[index],
            )
            try:
                services.check_hire(hire, today)
            except services.StaffError as exc:
                column = "probation_end" if "试用" in str(exc) else "start_date"
                self.error(result, index, column, str(exc))
                continue
            rows.append(WorkerRow(index, hire))
        return rows

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        rows = self.validate(table, hmap, result)
        progress(40, "比对名册")
        hashes = {crypto.lookup_hash("ric", r.hire.resident_id.number): r for r in rows}
        existing = UnionWorker.objects.filter(id_hash__in=list(hashes)).values_list("id_hash", "union__path")
        new = dict(hashes)
        for id_hash, path in existing:
            row = new.pop(id_hash)
            if self.in_scope(path):
                self.error(result, row.index, "id_number", "该人员已在名册中，本行未改动", warning=True)
            else:
                self.error(
                    result,
                    row.index,
                    "id_number",
                    "该人员已在您管辖范围以外的工会登记为工会工作者，一人只登记一次；如有调动请联系上级工会",
                )
        result.errors = len(result.error_rows())
        result.created = len(new)
        result.skipped = result.rows - result.errors - result.created
        if result.errors:
            result.created, result.skipped = 0, result.rows - result.errors
            result.notes.append("表中有错误行，整个表不导入：请按错误报告修改后重新上传")
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            for row in sorted(new.values(), key=lambda r: r.index):
                services.hire(row.hire, actor=self.user)
            self.committing(result)
        result.committed = True
        return result


__all__ = ["WORKER_COLUMNS", "UnionWorkerImporter"]
