"""Importing members (会员) from a ledger, registered with the import engine in ``MembersConfig.ready()``.

Validation is set-based (whole columns of a batch of rows; one query per batch against held memberships);
the writes are the members app's own bulk services (``members.bulk``): new members with their 入会 events,
and the personal details of memberships already held inside the importer's scope.

A confirmed import on PostgreSQL is overlapped (issue 18): a producer thread validates batch n+1 on a
connection of its own and formats its COPY text while this thread's connection COPYs batch n, inside the
one transaction that also writes the updates and the audit row. A row error anywhere (a late batch too)
rolls back what was copied, unless ``skip_invalid``; a duplicate found late takes back the earlier row.
The preview (dry run), SQLite, and a call inside a caller's transaction validate every batch first and
write after, as before.
"""

from __future__ import annotations

import datetime as dt
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

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
from gonghui.imports.engine import CHUNK, Progress, Result, overlapped
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


_CREATE, _UPDATE = 1, 2


class _Refused(Exception):
    """A row error without ``skip_invalid``: roll back what the overlapped import already copied."""


@dataclass(slots=True)
class _Batch:
    rows: list[MemberRow]  # the new members (the sequential path writes these)
    texts: tuple[str, str] = ("", "")  # their COPY text, members and events (the overlapped path)
    numbers: list[str] = field(default_factory=list)  # their IDs, for the membership.held hook


class _State:
    """What an import keeps across its batches: a few bytes a row, not the rows."""

    def __init__(self, rows: int):
        self.seen: dict[object, int] = {}  # ID → first row with it (duplicates across batches)
        self.kind = bytearray(rows)  # row → _CREATE / _UPDATE / 0
        self.member_ids = array("q", bytes(8 * rows))  # row → the member id it was copied as (0: none)
        self.updates: dict[int, tuple[dict, dict]] = {}  # row → (stored values, changes)
        self.retracted: list[tuple[int, str]] = []  # (member id, ID) copied, then found duplicated
        self.codes: dict[str, int] = {}  # unknown address codes → rows
        self.failed = False  # a row error so far
        self.now = timezone.now()
        self.validating = 0.0
        self.writing = 0.0

    def take_back(self, index: int, number: str) -> None:
        """Row ``index`` (an earlier batch) turned out to be an error: it is neither created nor updated."""
        if self.kind[index] == _UPDATE:
            del self.updates[index]
        elif self.kind[index] == _CREATE and self.member_ids[index]:
            self.retracted.append((self.member_ids[index], number))
        self.kind[index] = 0


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

    # Rows validated (and, on PostgreSQL, written) per batch: bounds what a million-row file holds at once
    # besides its cells, and is the unit the overlapped import hands from validation to COPY. The pipeline
    # fills with the first batch and drains with the last (≈ 1 % of a million rows); each batch costs a few
    # queries and two COPY statements.
    batch_rows = 10_000

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        state = _State(len(table.rows))
        started = time.perf_counter()
        progress(5, "校验数据")
        if not dry_run and connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._run_overlapped(table, hmap, result, state, progress)
        else:
            # SQLite (no COPY), a preview, or a caller's own transaction (whose uncommitted rows a second
            # connection could not see): validate every batch, then write.
            batches = list(self.batches(table, hmap, result, state, None, progress))
            self._count(result, state)
            result.timings["validate"] = time.perf_counter() - started
            if dry_run or not self.may_commit(result):
                return result
            progress(60, "写入数据库")
            started = time.perf_counter()
            with transaction.atomic():  # the members app writes its tables (members.bulk)
                for batch in batches:
                    bulk.create_joined(
                        [row for row in batch.rows if state.kind[row.index] == _CREATE], self.user
                    )
                self._finish_writes(state)
                self.committing(result)
            result.committed = True
        result.timings["commit"] = time.perf_counter() - started
        return result

    def _run_overlapped(self, table: Table, hmap: HeaderMap, result: Result, state: _State, progress) -> None:
        """Validation of batch n+1 (a producer thread, its own connection) while PostgreSQL ingests batch
        n (COPY on this thread's connection), all in one transaction: a row error anywhere, unless
        ``skip_invalid``, rolls back what was copied; any exception on either side rolls back too."""
        actor = self.user if getattr(self.user, "pk", None) else None

        def write(batch: _Batch) -> None:
            waited = time.perf_counter()
            bulk.write_copied(*batch.texts, numbers=batch.numbers)
            state.writing += time.perf_counter() - waited

        try:
            with transaction.atomic():
                overlapped(lambda: self.batches(table, hmap, result, state, actor, progress), write)
                self._count(result, state)
                if not self.may_commit(result):
                    raise _Refused
                # No progress row written here: inside this transaction it would hold the job's row lock
                # and stall the heartbeat thread until the commit.
                self._finish_writes(state)
                self.committing(result)
        except _Refused:
            return
        result.timings["copy_wait"] = state.writing
        result.committed = True

    def batches(
        self, table: Table, hmap: HeaderMap, result: Result, state: _State, actor, progress: Progress
    ) -> Iterator[_Batch]:
        """Validate the file batch by batch against itself and the database. With ``actor`` (the overlapped
        import) each batch that may still be written comes with its COPY text, member ids reserved."""
        n = len(table.rows)
        for start in range(0, n, self.batch_rows):
            stop = min(n, start + self.batch_rows)
            mark = len(result.issues)
            began = time.perf_counter()
            rows = self.validate(table, hmap, result, start, stop, state)
            creates, updates = self.against_database(rows, result)
            for row in creates:
                state.kind[row.index] = _CREATE
            for row, existing, changes in updates:
                state.kind[row.index] = _UPDATE
                state.updates[row.index] = (existing, changes)
            state.failed = state.failed or any(not issue.warning for issue in result.issues[mark:])
            batch = None
            if actor is None:
                batch = _Batch(creates)
            elif creates and (self.skip_invalid or not state.failed):
                with connection.cursor() as cursor:
                    ids = bulk.reserve_ids(cursor, len(creates))
                for pk, row in zip(ids, creates, strict=True):
                    state.member_ids[row.index] = pk
                texts = bulk.copy_texts(ids, creates, state.now, actor)
                batch = _Batch([], texts, [row.number for row in creates])
            state.validating += time.perf_counter() - began  # not the wait for a place in the queue
            if batch is not None:
                yield batch
            if actor is None:  # validate everything, then write (from 60 %)
                progress(5 + 50 * stop // max(n, 1), "校验数据")
            else:
                progress(5 + 85 * stop // max(n, 1), "校验并写入数据")
        if state.codes:
            total = sum(state.codes.values())
            codes = "、".join(sorted(state.codes)[:10]) + ("等" if len(state.codes) > 10 else "")
            result.notes.append(
                f"{total} 行身份证号的地址码（{codes}）在出生年份的行政区划代码表中未找到，"
                "多为区划调整所致，仅作提示，不影响导入"
            )
        result.timings["validate"] = state.validating

    def _count(self, result: Result, state: _State) -> None:
        result.errors = len(result.error_rows())
        result.created = state.kind.count(_CREATE)
        result.updated = len(state.updates)
        result.skipped = result.rows - result.errors - result.created - result.updated

    def _finish_writes(self, state: _State) -> None:
        bulk.retract([pk for pk, _ in state.retracted], [number for _, number in state.retracted])
        bulk.update_details([state.updates[index] for index in sorted(state.updates)])

    def validate(
        self,
        table: Table,
        hmap: HeaderMap,
        result: Result,
        start: int = 0,
        stop: int | None = None,
        state=None,
    ) -> list[MemberRow]:
        """The valid rows among ``table.rows[start:stop]`` (``MemberRow.index`` counts from the file's
        first row); errors go to ``result``. Duplicates are found across batches through ``state``."""
        state = state or _State(len(table.rows))
        stop = len(table.rows) if stop is None else stop
        # The batch as a table of its own (Excel row numbers kept), its issues shifted afterwards.
        part = Table(table.header, table.rows[start:stop], header_row=table.header_row + start)
        own = Result(kind=self.kind)
        n = len(part.rows)
        bad: set[int] = set()
        col = lambda key: self.column(part, hmap, key)  # noqa: E731
        names = self.per_value(own, col("name"), "name", normalize_name, bad)

        ids: list = [None] * n
        unknown_codes = state.codes
        today = dt.date.today()
        for index, raw in enumerate(col("id_number")):
            try:
                rid = normalize_resident_id(raw, today)
            except InvalidValue as exc:
                self.error(own, index, "id_number", str(exc))
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
                    self.error(own, index, "id_number", warning, warning=True)

        phones: list = [""] * n
        for index, raw in enumerate(col("phone")):
            if raw is None or raw == "":
                continue
            try:
                phones[index] = normalize_phone(raw)
            except InvalidValue as exc:
                self.error(own, index, "phone", str(exc))
                bad.add(index)

        unions = self.resolve_union(own, col("union"), "union", bad)
        workplaces = self.resolve_workplaces(own, col("workplace"), bad)

        def join_date(raw):
            value = normalize_date(raw)
            if value is None:
                raise InvalidValue("入会日期不能为空")
            if value > today:
                raise InvalidValue(f"入会日期 {value:%Y-%m-%d} 晚于今天")
            if value.year < 1925:  # 中华全国总工会 founded 1925
                raise InvalidValue(f"入会日期 {value:%Y-%m-%d} 早于 1925 年")
            return value

        dates = self.per_value(own, col("join_date"), "join_date", join_date, bad)
        employment = self.resolve_choice(
            own,
            col("employment_status"),
            "employment_status",
            EmploymentStatus.choices,
            bad,
            EmploymentStatus.EMPLOYED,
        )
        migrant = self.per_value(own, col("is_migrant_worker"), "is_migrant_worker", normalize_bool, bad)
        group_ids = {g.name: g.pk for g in NewFormGroup.objects.filter(is_active=True)}

        def group(raw):
            text = clean_text(raw)
            if not text:
                return None
            if text not in group_ids:
                raise InvalidValue(f"「{text}」不是新就业形态群体，可填：{'、'.join(group_ids)}")
            return group_ids[text]

        groups = self.per_value(own, col("new_form_group"), "new_form_group", group, bad)
        for issue in own.issues:
            issue.index += start
        result.issues.extend(own.issues)

        # Duplicates inside the file (across batches): every row that shares an ID with another is
        # reported. A row of an earlier batch found only now is taken back from what it became.
        numbers = [rid[0] if rid else None for rid in ids]
        for first, number in self.duplicates(table, result, numbers, "id_number", bad, state.seen, start):
            state.take_back(first, number)

        rows: list[MemberRow] = []
        for index in range(n):
            if index in bad:
                continue
            number, birth_date, sex, upgraded = ids[index]
            if dates[index] < birth_date:
                self.error(result, start + index, "join_date", "入会日期早于出生日期")
                continue
            rows.append(
                MemberRow(
                    index=start + index,
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
            )
        return rows

    def against_database(self, rows: list[MemberRow], result: Result):
        """Held memberships of the same people, one query per chunk of hashes."""
        valid = rows
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
