"""Importing another department's directory (名录) as a dated edition, registered with the import engine
in ``DirectoriesConfig.ready()``: the engine reads the file, matches the header and writes the job and
its error report; this module validates the rows set-based, matches them to the registry
(``matching``) and writes the entries (``services.store_edition``)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import transaction

from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    compact,
    normalize_date,
    normalize_org_name,
    normalize_uscc,
)
from gonghui.imports.columns import Column
from gonghui.imports.engine import Importer, Progress, Result, parse_int, required_text
from gonghui.imports.reader import Table
from gonghui.orgs.models import Industry, UnionKind, UnionOrg
from gonghui.regions.models import Region

from .matching import EntryRow, match_rows
from .models import DirectorySource

# Words in 登记状态 that mean the registrant no longer exists (注销, 吊销, 撤销 and their 已… forms).
CLOSED_WORDS = ("注销", "吊销", "撤销")

DIRECTORY_COLUMNS = [
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码", "统一社会信用代码/注册号"),
        False,
        "18 位；有则必须正确，同一文件中重复的只用第一行",
        "91340207MA2N0ABCXX",
        text=True,
    ),
    Column(
        "name",
        "企业名称",
        ("单位名称", "名称", "企业(机构)名称", "机构名称", "社会组织名称", "单位全称", "企业全称"),
        True,
        "单位全称",
        "芜湖某某科技有限公司",
    ),
    Column("legal_representative", "法定代表人", ("法人代表", "法定代表人(负责人)", "负责人", "法人"), False),
    Column(
        "registration_status",
        "登记状态",
        ("经营状态", "企业状态", "状态", "登记状况"),
        False,
        "存续、在业、开业、注销、吊销、迁出等；注销、吊销的单位标为已注销",
        "存续",
    ),
    Column(
        "founded_on", "成立日期", ("注册日期", "成立时间", "设立日期", "核准日期"), False, "", "2019-06-01"
    ),
    Column(
        "registered_capital", "注册资本", ("注册资金", "开办资金", "注册资本(万元)"), False, "", "500万元"
    ),
    Column(
        "employees",
        "从业人数",
        ("参保人数", "职工人数", "从业人员", "人数", "从业人员数", "缴费人数"),
        False,
        "整数",
        30,
    ),
    Column("address", "住所", ("地址", "注册地址", "经营场所", "住所地址", "单位地址"), False),
    Column(
        "county",
        "所属区县",
        ("区县", "所属地区", "行政区划", "区划代码", "所在区县", "登记机关所在区县", "所属区域"),
        True,
        "区县名称（如 鸠江区）或 6 位行政区划代码（如 340207）",
        "鸠江区",
        text=True,
    ),
    Column("industry", "行业", ("所属行业", "行业门类", "国民经济行业", "行业类别"), False, "", "制造业"),
]


def parse_industry(text: str) -> str:
    """An industry as directories write it (C, C 制造业, 制造业, 计算机制造 …) → the GB/T 4754 门类 letter,
    or "" when it cannot be told (kept as text, never an error: each department has its own list)."""
    if not text:
        return ""
    head = text[0].upper()
    if head in Industry.values and (len(text) == 1 or not text[1].isascii() or text[1] == " "):
        return head
    for value, label in Industry.choices:
        if label in text or text in label:
            return value
    return ""


class DirectoryImporter(Importer):
    kind = "directory"
    title = "名录"
    columns = DIRECTORY_COLUMNS
    model = "directories.directoryentry"
    list_url = "directories:entry-list"
    # A department's directory is not the union's to correct: rows with errors are reported and left
    # out, the others imported (the exit status and the report still say so).
    skip_invalid = True

    def __init__(self, user, scope=None, default_union=None, options: dict | None = None):
        super().__init__(user, scope, default_union, options)
        self.skip_invalid = True

    # ------------------------------------------------------------------ options
    @classmethod
    def option_fields(cls, user) -> dict:
        from django import forms
        from django.utils import timezone

        def not_future(day: dt.date) -> None:
            if day > timezone.localdate():
                raise forms.ValidationError("截至日期不能晚于今天")

        source = forms.ModelChoiceField(
            label="名录来源",
            queryset=DirectorySource.objects.filter(is_active=True).exclude(code=DirectorySource.JOINING),
            empty_label="（请选择）",
            error_messages={"required": "请选择名录来源", "invalid_choice": "请选择列表中的名录来源"},
        )
        as_of = forms.DateField(
            label="截至日期",
            help_text="名录数据的截至日期（同一来源的较新版本会把其中已不存在的单位标为「不再列入」）",
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            validators=[not_future],
            error_messages={
                "required": "请填写截至日期",
                "invalid": "截至日期格式不正确，请按「年-月-日」填写，如 2026-06-30",
            },
        )
        source.widget.attrs.update({"class": "form-select"})
        as_of.widget.attrs.update({"class": "form-control"})
        return {"source": source, "as_of": as_of}

    @classmethod
    def options_from(cls, cleaned: dict) -> dict:
        return {"source": cleaned["source"].code, "as_of": cleaned["as_of"].isoformat()}

    def source(self) -> DirectorySource:
        source = DirectorySource.objects.filter(code=self.options.get("source", "")).first()
        if source is None:
            raise InvalidValue(f"找不到名录来源「{self.options.get('source', '')}」")
        return source

    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.options["as_of"])

    # ------------------------------------------------------------------ counties
    def county_unions(self) -> dict[int, UnionOrg]:
        """County region id → its 县（市、区）总工会 (active, in the importer's scope)."""
        qs = UnionOrg.objects.filter(kind=UnionKind.COUNTY, status=UnionOrg.Status.ACTIVE).select_related(
            "region"
        )
        if self.scope is not None:
            # The importer's own county (a county admin) or the counties under it (a city).
            qs = qs.filter(path__startswith=self.scope.path) | qs.filter(pk=self.scope.pk)
        return {u.region_id: u for u in qs.order_by("path")}

    def resolve_county(
        self, result: Result, values: list, bad: set[int], unions: dict[int, UnionOrg]
    ) -> list:
        counties = list(Region.objects.filter(level=Region.Level.COUNTY))
        by_code = {r.code: r for r in counties}
        by_name: dict[str, list[Region]] = defaultdict(list)
        for region in counties:
            by_name[region.name].append(region)

        def pick(raw):
            text = compact(raw)
            if isinstance(raw, float) and raw.is_integer():
                text = str(int(raw))
            if not text:
                raise InvalidValue("所属区县不能为空")
            if text.isdigit():
                region = by_code.get(text[:6]) if len(text) >= 6 else None
                if region is None:
                    raise InvalidValue(f"找不到区划代码为「{text}」的区县")
                hits = [region]
            else:
                hits = by_name.get(text, [])
                if not hits:
                    raise InvalidValue(f"找不到区县「{text}」，请填写区县全称或 6 位区划代码")
                inside = [r for r in hits if r.pk in unions]
                if len(inside) == 1:
                    return inside[0]
                if len(hits) > 1:
                    raise InvalidValue(f"有多个名为「{text}」的区县，请填写 6 位区划代码")
            if hits[0].pk not in unions:
                raise InvalidValue(f"区县「{hits[0].name}」不在您的管辖范围内，或尚未建立县级总工会")
            return hits[0]

        return self.per_value(result, values, "county", pick, bad)

    # ------------------------------------------------------------------ the run
    def run(self, table: Table, hmap, dry_run: bool, progress: Progress | None = None) -> Result:
        from .services import store_edition

        progress = progress or (lambda pct, stage: None)
        started = time.perf_counter()
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        usccs = self.per_value(result, col("uscc"), "uscc", lambda v: normalize_uscc(v) or None, bad)
        names = self.per_value(result, col("name"), "name", required_text("企业名称"), bad)
        unions = self.county_unions()
        counties = self.resolve_county(result, col("county"), bad, unions)
        founded = self.per_value(result, col("founded_on"), "founded_on", normalize_date, bad)
        employees = self.per_value(
            result, col("employees"), "employees", lambda v: None if v in (None, "") else parse_int(v), bad
        )
        statuses = [clean_text(v)[:20] for v in col("registration_status")]
        industries = [clean_text(v)[:100] for v in col("industry")]
        people = [clean_text(v)[:50] for v in col("legal_representative")]
        capitals = [clean_text(v)[:50] for v in col("registered_capital")]
        addresses = [clean_text(v)[:255] for v in col("address")]
        industry_codes: dict[str, str] = {}

        result.timings["validate"] = time.perf_counter() - started
        progress(20, "检查重复")
        rows: list[EntryRow] = []
        seen: dict[str, int] = {}
        duplicates: set[int] = set()
        for index in range(len(table.rows)):
            if index in bad:
                continue
            county = counties[index]
            norm = normalize_org_name(names[index], county.code)
            # Without a code, the name as typed (spaces aside) identifies the row: two registrants whose
            # names differ only by a place prefix share the matching key but are two entries.
            key = f"U{usccs[index]}" if usccs[index] else f"N{county.code}{compact(names[index]).upper()}"
            first = seen.setdefault(key, index)
            if first != index:
                label = "统一社会信用代码" if usccs[index] else "区县和单位名称"
                self.error(
                    result, index, "uscc" if usccs[index] else "name",
                    f"与第 {table.excel_row(first)} 行{label}重复，本行未使用（以第一行为准）",
                    warning=True,
                )  # fmt: skip
                duplicates.add(index)
                continue
            industry = industries[index]
            if industry not in industry_codes:
                industry_codes[industry] = parse_industry(industry)
            status = statuses[index]
            rows.append(
                EntryRow(
                    index=index,
                    key=key,
                    uscc=usccs[index],
                    name=names[index],
                    name_normalized=norm,
                    county=county,
                    territory=unions[county.pk],
                    legal_representative=people[index],
                    registration_status=status,
                    is_closed=any(word in status for word in CLOSED_WORDS),
                    founded_on=founded[index],
                    registered_capital=capitals[index],
                    employees=employees[index],
                    address=addresses[index],
                    industry=industry_codes[industry],
                    industry_text=industry,
                )
            )
        result.timings["rows"] = time.perf_counter() - started
        progress(35, "与单位名录比对")
        source = self.source()
        outcomes = match_rows(rows, self.scope, source)
        result.errors = len(result.error_rows())
        counts = {"matched_code": 0, "matched_name": 0, "uncertain": 0, "new": 0, "closed": 0}
        for row in rows:
            counts[outcomes[row.key].method_count_key] += 1
            counts["closed"] += row.is_closed
        result.extra = {**counts, "duplicates": len(duplicates)}
        result.notes.append(
            f"{source.name}名录（截至 {self.as_of():%Y-%m-%d}）：按代码匹配 {counts['matched_code']}，"
            f"按名称匹配 {counts['matched_name']}，待确认 {counts['uncertain']}，新单位 {counts['new']}，"
            f"注销吊销 {counts['closed']}，文件内重复 {len(duplicates)}"
        )
        reasons: dict[int, list[str]] = defaultdict(list)
        for issue in result.issues:
            if not issue.warning:
                reasons[issue.index].append(f"{issue.column}：{issue.message}")
        by_index = {row.index: row for row in rows}
        for index in range(len(table.rows)):
            row = by_index.get(index)
            if row is not None:
                o = outcomes[row.key]
                closed = "是" if row.is_closed else "否"
                result.row_outcomes.append((o.label, o.report_workplace_id or "", o.confidence, closed, ""))
            elif index in duplicates:
                result.row_outcomes.append(("重复", "", "", "", ""))
            else:
                result.row_outcomes.append(("错误", "", "", "", "；".join(reasons[index])))
        if dry_run:
            result.created = sum(1 for row in rows if not outcomes[row.key].existing)
            result.updated = len(rows) - result.created
            result.skipped = 0
            return result
        result.timings["match"] = time.perf_counter() - started
        progress(60, "写入数据库")
        # The job's import audit row (file, SHA-256, counts) commits with the entries (engine.committing).
        with transaction.atomic():
            stored = store_edition(
                source, self.as_of(), rows, outcomes, user=self.user, scope=self.scope, job=self.job
            )
            result.created, result.updated, result.skipped = stored.created, stored.updated, stored.unchanged
            result.extra["unlisted"] = stored.unlisted
            self.committing(result)
        # The new edition's uncovered registrants reach the lists (清单) now, not at the next hourly refresh.
        from .worklist import refresh_list

        refresh_list(actor=self.user)
        result.timings["commit"] = time.perf_counter() - started
        result.timings |= {f"commit.{k}": v for k, v in stored.timings.items()}
        result.committed = True
        return result
