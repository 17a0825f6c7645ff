"""Import the lists counties and the city keep (劳模工匠名册 .xlsx, one row per title) through the imports
engine, with the member import's checks: the same ID normaliser (Excel numbers that lost digits, 15 → 18,
check digit, birth date), phone and year normalisers, unions resolved inside the importer's scope. Each bad
cell is a Chinese reason with its row and column; a file with any error writes nothing.

A person may appear on several rows (one per title) with the same name. A person already on the register
inside the importer's subtree keeps the record and gains the titles not yet held (a title already held is
a warning: importing the same list again changes nothing); one outside the subtree is an error that names
neither the keeping union nor the titles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from gonghui.core import crypto
from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
)
from gonghui.honours.models import Level
from gonghui.imports.columns import Column
from gonghui.imports.engine import Progress, Result, parse_int
from gonghui.imports.reader import Table
from gonghui.orgs.importer import OrgReferences
from gonghui.orgs.models import Industry

from . import services
from .models import ModelWorker, Title, TitleKind


def kind_names() -> list[str]:
    return list(TitleKind.objects.filter(is_active=True).values_list("name", flat=True))


COLUMNS = [
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
        "",
        text=True,
    ),
    Column(
        "union",
        "管理工会",
        ("所属工会", "工会", "管理单位"),
        True,
        "保管档案的工会全称（一般为工作单位所在县区总工会），须在您的管辖范围内；导入时指定了默认工会的可留空",
        "某某区总工会",
    ),
    Column("workplace", "工作单位", ("单位", "单位名称"), False, "", "某某机械有限公司"),
    Column(
        "industry",
        "所属行业",
        ("行业",),
        False,
        "国民经济行业门类，如 制造业",
        "制造业",
        choices=tuple(Industry.labels),
    ),
    Column("position", "职务（岗位）", ("职务", "岗位", "职务岗位"), False, "", "钳工"),
    Column(
        "kind",
        "称号类别",
        ("称号", "荣誉称号", "荣誉类别"),
        False,
        "如 劳动模范、五一劳动奖章、工匠；同一人有多项称号的，每项一行",
        "工匠",
        dynamic_choices=kind_names,
    ),
    Column(
        "level", "称号级别", ("级别",), False, "全国、省级、市级、县级", "市级", choices=tuple(Level.labels)
    ),
    Column("year", "授予年度", ("年度", "授予年份", "获得年度"), False, "四位年份", "2024"),
    Column("document_no", "文号", ("授予文号", "文件号"), False, "", "芜工〔2024〕12号"),
    Column("awarded_by", "授予机关", ("授予单位",), False, "", "芜湖市总工会"),
]

_LEVEL_ALIASES = {
    "全国": "national",
    "国家级": "national",
    "省": "province",
    "省级": "province",
    "安徽省": "province",
    "市": "city",
    "市级": "city",
    "芜湖市": "city",
    "县": "county",
    "县级": "county",
    "区级": "county",
    "县区级": "county",
}


@dataclass
class PersonRows:
    first: int  # the first row's index (errors about the person are reported there)
    person: services.Person
    titles: list[tuple[int, services.TitleData]] = field(default_factory=list)


class ModelWorkerImporter(OrgReferences):
    kind = "model_workers"
    title = "劳模工匠"
    columns = COLUMNS
    model = "modelworkers.modelworker"
    list_url = "modelworkers:person-list"
    default_column = "union"
    sensitive_columns = ("id_number", "phone")

    def may_commit(self, result: Result) -> bool:
        return not result.errors  # a list is one whole: nothing half-written

    def validate(self, table: Table, result: Result, hmap) -> list[PersonRows]:
        n = len(table.rows)
        bad: set[int] = set()
        today = dt.date.today()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        names, ids = self.person_columns(table, hmap, result, bad, once=False)  # a row per title
        phones = self.phone_column(table, hmap, result, bad)
        unions = self.resolve_union(result, col("union"), "union", bad)
        industries = self.resolve_choice(result, col("industry"), "industry", Industry.choices, bad, "")
        kinds = {k.name: k for k in TitleKind.objects.filter(is_active=True)}

        def level(raw):
            text = clean_text(raw)
            if not text:
                return None
            if text not in _LEVEL_ALIASES:
                raise InvalidValue(f"「{text}」不是可选的级别，可填：全国、省级、市级、县级")
            return _LEVEL_ALIASES[text]

        def year(raw):
            if not clean_text(raw):
                return None
            value = parse_int(raw)
            if not 1950 <= value <= today.year:
                raise InvalidValue(f"授予年度 {value} 有误：须在 1950 年至今年之间")
            return value

        kind_values = self.per_value(result, col("kind"), "kind", self.one_of(kinds, "称号类别"), bad)
        level_values = self.per_value(result, col("level"), "level", level, bad)
        years = self.per_value(result, col("year"), "year", year, bad)
        texts = {
            key: [clean_text(v) for v in col(key)]
            for key in ("workplace", "position", "document_no", "awarded_by")
        }

        people: dict[str, PersonRows] = {}
        seen_titles: dict[tuple, int] = {}
        for index in range(n):
            if index in bad:
                continue
            title_parts = (kind_values[index], level_values[index], years[index])
            if any(p is not None for p in title_parts) and not all(p is not None for p in title_parts):
                missing = [
                    self.labels[k]
                    for k, v in zip(("kind", "level", "year"), title_parts, strict=True)
                    if v is None
                ]
                self.error(
                    result,
                    index,
                    ("kind", "level", "year")[[p is None for p in title_parts].index(True)],
                    f"登记称号须同时填写称号类别、级别和授予年度，本行缺{'、'.join(missing)}",
                )
                continue
            rid = ids[index]
            entry = people.get(rid.number)
            if entry is None:
                entry = people[rid.number] = PersonRows(
                    index,
                    services.Person(
                        resident_id=rid,
                        name=names[index],
                        union=unions[index],
                        phone=phones[index] or "",
                        workplace=texts["workplace"][index][:200],
                        industry=industries[index] or "",
                        position=texts["position"][index][:100],
                    ),
                )
            elif entry.person.name != names[index]:
                self.error(
                    result, index, "name", f"与第 {table.excel_row(entry.first)} 行身份证号相同但姓名不同"
                )
                continue
            elif entry.person.union != unions[index]:
                self.error(
                    result, index, "union", f"与第 {table.excel_row(entry.first)} 行为同一人，管理工会不同"
                )
                continue
            if title_parts[0] is None:
                continue
            key = (rid.number, *[getattr(p, "pk", p) for p in title_parts])
            if key in seen_titles:
                self.error(
                    result,
                    index,
                    "kind",
                    f"与第 {table.excel_row(seen_titles[key])} 行重复（同一人的同一称号）",
                )
                continue
            seen_titles[key] = index
            data = services.TitleData(
                title_parts[0],
                title_parts[1],
                title_parts[2],
                texts["document_no"][index][:100],
                texts["awarded_by"][index][:100],
            )
            entry.titles.append((index, data))
        return list(people.values())

    def run(self, table: Table, hmap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        people = self.validate(table, result, hmap)
        progress(40, "比对人才库")
        by_hash = {crypto.lookup_hash("ric", p.person.resident_id.number): p for p in people}
        existing = {
            w.id_hash: w
            for w in ModelWorker.objects.filter(id_hash__in=list(by_hash)).select_related("union")
        }
        held = set(
            Title.objects.filter(person__in=list(existing.values())).values_list(
                "person__id_hash", "kind", "level", "year"
            )
        )
        plan_new: list[PersonRows] = []
        plan_titles: list[tuple[ModelWorker, services.TitleData]] = []
        used: set[int] = set()  # rows that will write something
        for id_hash, entry in by_hash.items():
            worker = existing.get(id_hash)
            if worker is None:
                plan_new.append(entry)
                used.update([entry.first, *(i for i, _ in entry.titles)])
                continue
            if not self.in_scope(worker.union.path):
                self.error(
                    result,
                    entry.first,
                    "id_number",
                    "该人员已由您管辖范围以外的工会登记在劳模工匠人才库中，一人只登记一次；请联系上级工会",
                )
                continue
            for index, data in entry.titles:
                if (id_hash, data.kind.pk, data.level, data.year) in held:
                    self.error(result, index, "kind", "该人员已有此称号，本行未改动", warning=True)
                else:
                    plan_titles.append((worker, data))
                    used.add(index)
            if not entry.titles:
                self.error(result, entry.first, "id_number", "该人员已在人才库中，本行未改动", warning=True)
        result.errors = len(result.error_rows())
        result.created = len(plan_new)
        result.updated = len({w.pk for w, _ in plan_titles})
        result.skipped = result.rows - result.errors - len(used - result.error_rows())
        if result.errors:
            result.created = result.updated = 0
            result.skipped = result.rows - result.errors
            result.notes.append("表中有错误行，整个表不导入：请按错误报告修改后重新上传")
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            for entry in sorted(plan_new, key=lambda p: p.first):
                services.register(entry.person, [d for _, d in entry.titles], actor=self.user)
            for worker, data in plan_titles:
                services.add_title(worker, data, actor=self.user)
            self.committing(result)
        result.committed = True
        return result


__all__ = ["COLUMNS", "ModelWorkerImporter"]
