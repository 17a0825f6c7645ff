"""Importing members (会员) from a ledger, registered with the import engine in ``MembersConfig.ready()``.

Validation is set-based (whole columns; one query per chunk against held memberships); the writes are
the members app's own bulk services (``members.bulk``): new members with their 入会 events, and the
personal details of memberships already held inside the importer's scope.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction

from gonghui.core import crypto, hooks
from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    normalize_bool,
    normalize_date,
    normalize_name,
    normalize_phone,
    normalize_resident_id,
)
from gonghui.imports.columns import YES_NO, Column, HeaderMap
from gonghui.imports.engine import CHUNK, Progress, Result
from gonghui.imports.reader import Table
from gonghui.orgs.importer import OrgReferences
from gonghui.orgs.models import UnionOrg

from . import bulk
from .models import HELD_STATUSES, EmploymentStatus, Member, NewFormGroup
from .services import held_elsewhere_message


def new_form_group_names() -> list[str]:
    return list(NewFormGroup.objects.filter(is_active=True).values_list("name", flat=True))


MEMBER_COLUMNS = [
    Column("name", "姓名", ("会员姓名", "名字"), True, "2–50 个字，不含数字", "张三"),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证", "证件号码", "居民身份证号码"),
        True,
        "18 位居民身份证号（15 位一代证自动升级）；请把本列设为「文本」格式，否则 Excel 会丢失末几位",
        "340207199001011236",
        text=True,
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话", "电话", "联系方式"),
        False,
        "11 位手机号或带区号的座机；可带 +86、空格、短横线",
        "13812345678",
        text=True,
    ),
    Column(
        "union",
        "所在工会",
        ("工会名称", "所属工会", "工会", "基层工会"),
        True,
        "工会组织的全称，须在您的管辖范围内；导入时指定了默认工会的可留空",
        "某某公司工会委员会",
    ),
    Column(
        "workplace", "工作单位", ("单位名称", "所在单位", "单位"), False, "单位全称或统一社会信用代码", ""
    ),
    Column(
        "join_date",
        "入会日期",
        ("入会时间",),
        True,
        "如 2023-05-01、2023/5/1、2023.5.1、2023年5月1日、20230501",
        "2023-05-01",
    ),
    Column(
        "employment_status",
        "就业状态",
        ("就业情况",),
        False,
        "留空为「在岗」",
        "在岗",
        choices=tuple(label for _, label in EmploymentStatus.choices),
    ),
    Column(
        "is_migrant_worker",
        "是否农民工",
        ("农民工",),
        False,
        "填「是」或「否」，留空为「否」",
        "否",
        choices=YES_NO,
    ),
    Column(
        "new_form_group",
        "新就业形态群体",
        ("新就业形态", "新业态群体"),
        False,
        "不属于新就业形态的留空",
        "",
        dynamic_choices=new_form_group_names,
    ),
]


@dataclass(slots=True)  # a million of these: no per-instance __dict__
class MemberRow:
    index: int
    name: str
    number: str
    birth_date: dt.date
    sex: str
    upgraded: bool
    id_hash: str
    phone: str
    union: UnionOrg
    workplace_id: int | None
    join_date: dt.date
    employment_status: str
    is_migrant_worker: bool
    new_form_group_id: int | None


class MemberImporter(OrgReferences):
    kind = "members"
    title = "会员"
    columns = MEMBER_COLUMNS
    model = "members.member"
    list_url = "members:member-list"
    default_column = "union"
    sensitive_columns = ("id_number", "phone")
    # Fields an import may update on an existing membership inside the importer's scope.
    UPDATABLE = bulk.UPDATABLE

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        started = time.perf_counter()
        progress(5, "校验数据")
        rows = self.validate(table, hmap, result)
        result.timings["validate"] = time.perf_counter() - started
        progress(40, "比对已有会员")
        started = time.perf_counter()
        creates, updates = self.against_database(rows, result)
        result.timings["match"] = time.perf_counter() - started
        result.errors = len(result.error_rows())
        result.created = len(creates)
        result.updated = len(updates)
        result.skipped = result.rows - result.errors - result.created - result.updated
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        started = time.perf_counter()
        with transaction.atomic():  # the members app writes its tables (members.bulk)
            bulk.create_joined(creates, actor=self.user)
            bulk.update_details([(existing, changes) for _row, existing, changes in updates])
            self.committing(result)
        result.timings["commit"] = time.perf_counter() - started
        result.committed = True
        return result

    def validate(self, table: Table, hmap: HeaderMap, result: Result) -> list[MemberRow | None]:
        n = len(table.rows)
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        names = self.per_value(result, col("name"), "name", normalize_name, bad)

        ids: list = [None] * n
        unknown_codes: dict[str, int] = {}
        today = dt.date.today()
        for index, raw in enumerate(col("id_number")):
            try:
                rid = normalize_resident_id(raw, today)
            except InvalidValue as exc:
                self.error(result, index, "id_number", str(exc))
                bad.add(index)
                continue
            # A compact tuple, not the ResidentId object: there may be a million of these.
            ids[index] = (rid.number, rid.birth_date, rid.sex, rid.upgraded)
            for warning in rid.warnings:
                if warning.startswith("地址码"):
                    # Common and harmless (codes changed after people got their IDs): counted, not
                    # listed row by row, or a ledger of older members would drown in notes.
                    unknown_codes[rid.number[:6]] = unknown_codes.get(rid.number[:6], 0) + 1
                else:
                    self.error(result, index, "id_number", warning, warning=True)
        if unknown_codes:
            total = sum(unknown_codes.values())
            codes = "、".join(sorted(unknown_codes)[:10]) + ("等" if len(unknown_codes) > 10 else "")
            result.notes.append(
                f"{total} 行身份证号的地址码（{codes}）在出生年份的行政区划代码表中未找到，"
                "多为区划调整所致，仅作提示，不影响导入"
            )

        phones: list = [""] * n
        for index, raw in enumerate(col("phone")):
            if raw is None or raw == "":
                continue
            try:
                phones[index] = normalize_phone(raw)
            except InvalidValue as exc:
                self.error(result, index, "phone", str(exc))
                bad.add(index)

        unions = self.resolve_union(result, col("union"), "union", bad)
        workplaces = self.resolve_workplaces(result, col("workplace"), bad)

        def join_date(raw):
            value = normalize_date(raw)
            if value is None:
                raise InvalidValue("入会日期不能为空")
            if value > today:
                raise InvalidValue(f"入会日期 {value:%Y-%m-%d} 晚于今天")
            if value.year < 1925:  # 中华全国总工会 founded 1925
                raise InvalidValue(f"入会日期 {value:%Y-%m-%d} 早于 1925 年")
            return value

        dates = self.per_value(result, col("join_date"), "join_date", join_date, bad)
        employment = self.resolve_choice(
            result,
            col("employment_status"),
            "employment_status",
            EmploymentStatus.choices,
            bad,
            EmploymentStatus.EMPLOYED,
        )
        migrant = self.per_value(result, col("is_migrant_worker"), "is_migrant_worker", normalize_bool, bad)
        group_ids = {g.name: g.pk for g in NewFormGroup.objects.filter(is_active=True)}

        def group(raw):
            text = clean_text(raw)
            if not text:
                return None
            if text not in group_ids:
                raise InvalidValue(f"「{text}」不是新就业形态群体，可填：{'、'.join(group_ids)}")
            return group_ids[text]

        groups = self.per_value(result, col("new_form_group"), "new_form_group", group, bad)

        # Duplicates inside the file: every row that shares an ID with another row is reported.
        self.duplicates(table, result, [rid[0] if rid else None for rid in ids], "id_number", bad)

        rows: list[MemberRow | None] = [None] * n
        for index in range(n):
            if index in bad:
                continue
            number, birth_date, sex, upgraded = ids[index]
            if dates[index] < birth_date:
                self.error(result, index, "join_date", "入会日期早于出生日期")
                continue
            rows[index] = MemberRow(
                index=index,
                name=names[index],
                number=number,
                birth_date=birth_date,
                sex=sex,
                upgraded=upgraded,
                id_hash=crypto.lookup_hash("ric", number),
                phone=phones[index],
                union=unions[index],
                workplace_id=workplaces[index],
                join_date=dates[index],
                employment_status=employment[index],
                is_migrant_worker=migrant[index],
                new_form_group_id=groups[index],
            )
        return rows

    def against_database(self, rows: list[MemberRow | None], result: Result):
        """Held memberships of the same people, one query per chunk of hashes."""
        valid = [row for row in rows if row is not None]
        held: dict[str, dict] = {}
        fields = (
            "pk",
            "id_hash",
            "union_id",
            "union__path",
            "union__name",
            "phone_enc",
            "phone_hash",
            "phone_masked",
            *self.UPDATABLE,
        )
        chunk = 50_000 if connection.vendor == "postgresql" else CHUNK  # one array parameter there
        for start in range(0, len(valid), chunk):
            hashes = [row.id_hash for row in valid[start : start + chunk]]
            for existing in Member.objects.filter(id_hash__any=hashes, status__in=HELD_STATUSES).values(
                *fields
            ):
                held[existing["id_hash"]] = existing
        # New members held in another province (the national roll-up's check, when configured): refused
        # by row, naming that province only. A national instance that cannot be asked refuses every new
        # row (nothing is written unchecked); updates of members already here do not need it.
        new_numbers = [row.number for row in valid if row.id_hash not in held]
        try:
            elsewhere = hooks.refusals("membership.admit", new_numbers)
            unavailable = ""
        except hooks.CheckUnavailable as exc:
            elsewhere, unavailable = {}, str(exc)
        creates: list[MemberRow] = []
        updates: list[tuple[MemberRow, dict, dict]] = []
        contacts: dict[int, str] = {}
        for row in valid:
            existing = held.get(row.id_hash)
            if existing is None:
                refused = unavailable or elsewhere.get(row.number)
                if refused:
                    self.error(result, row.index, "id_number", f"{refused}；本行未导入")
                    continue
                creates.append(row)
                continue
            if not self.in_scope(existing["union__path"]):
                # Outside the importer's subtree: never that union's name or the join date.
                message = held_elsewhere_message(self.scope.path, existing["union__path"], contacts)
                self.error(result, row.index, "id_number", f"{message}；本行未导入")
                continue
            if existing["union_id"] != row.union.pk:
                self.error(
                    result,
                    row.index,
                    "union",
                    f"该人员已是「{existing['union__name']}」的会员，本次只更新个人信息，所在工会未改变"
                    "（如需变更请办理会籍转接）",
                    warning=True,
                )
            changes = {key: getattr(row, key) for key in self.UPDATABLE if getattr(row, key) != existing[key]}
            phone_hash = crypto.lookup_hash("phone", row.phone) if row.phone else ""
            if row.phone and phone_hash != existing["phone_hash"]:
                changes["phone"] = row.phone
            if changes:
                updates.append((row, existing, changes))
        return creates, updates
