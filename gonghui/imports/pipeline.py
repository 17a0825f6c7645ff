"""The import pipeline: read → match header → normalise + validate (set-based) → commit → report.

Validation works on whole columns: each distinct raw value is normalised once, references (unions,
workplaces, regions, existing members) are resolved with one query per chunk, never a form per row.
The commit is one transaction: on PostgreSQL rows go through COPY into an unindexed temporary
staging table and then ``INSERT … SELECT`` into the real tables; elsewhere ``bulk_create``.

A file with any row error commits nothing: the user fixes the rows in the report and uploads it again
(importing a row twice changes nothing). Writing only the valid rows is an explicit choice
(``skip_invalid``: the preview's checkbox, ``--skip-invalid``). A dry run does everything except the
commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core import crypto
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    compact,
    normalize_bool,
    normalize_date,
    normalize_name,
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
)
from gonghui.core.scope import EVERYTHING, home_node, scope_prefix
from gonghui.members.models import (
    EVENT_DELTA,
    HELD_STATUSES,
    ChangeReason,
    EmploymentStatus,
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    NewFormGroup,
)
from gonghui.members.services import common_ancestor_name, held_elsewhere_message
from gonghui.orgs.models import Industry, Ownership, UnionKind, UnionOrg, Workplace
from gonghui.orgs.services import record_workplace_states
from gonghui.regions.models import Region

from .columns import COLUMNS, Column, HeaderMap, match_header
from .reader import Table

Progress = Callable[[int, str], None]
CHUNK = 5000


@dataclass(slots=True)
class Issue:
    index: int  # 0-based data row
    column: str  # Chinese column label ("" for the whole row)
    message: str
    warning: bool = False


@dataclass
class Result:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0  # rows with at least one error (left out)
    committed: bool = False
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file-level remarks shown with the preview
    extra_columns: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
            "committed": self.committed,
        }

    def error_rows(self) -> set[int]:
        return {issue.index for issue in self.issues if not issue.warning}


class Importer:
    """Base: the column extraction and the error bookkeeping. Subclasses validate and commit."""

    kind = ""
    default_column = ""  # the column a default union fills in when empty or absent
    skip_invalid = False  # True: commit the valid rows of a file that has row errors

    def __init__(self, user, scope: UnionOrg | None, default_union: UnionOrg | None = None):
        self.user = user
        self.scope = scope  # None: the whole database (superuser)
        self.default_union = default_union
        self.columns: list[Column] = COLUMNS[self.kind]
        self.labels = {c.key: c.label for c in self.columns}

    # ------------------------------------------------------------------ helpers
    def in_scope(self, path: str) -> bool:
        return self.scope is None or path.startswith(self.scope.path)

    def contact(self, other_path: str) -> str:
        """「the lowest union above both the importer's node and ``other_path``」, or 上级工会."""
        if not hasattr(self, "_contacts"):
            self._contacts: dict[int, str] = {}
        name = common_ancestor_name(self.scope.path if self.scope else None, other_path, self._contacts)
        return f"「{name}」" if name else "上级工会"

    def unions_qs(self):
        qs = UnionOrg.objects.all()
        return qs if self.scope is None else qs.filter(path__startswith=self.scope.path)

    def workplaces_qs(self):
        qs = Workplace.objects.all()
        return qs if self.scope is None else qs.filter(governing_union__path__startswith=self.scope.path)

    def match(self, table: Table, file_name: str = "") -> HeaderMap:
        optional = {self.default_column} if self.default_union and self.default_column else set()
        hmap = match_header(table.header, self.columns, optional, file_name)
        self.drop_example_rows(table, hmap)
        return hmap

    def drop_example_rows(self, table: Table, hmap: HeaderMap) -> None:
        """The template's example row (first cell ends with （示例）) is skipped, row numbers kept."""
        first = hmap.index.get(self.columns[0].key)
        while table.rows and first is not None and first < len(table.rows[0]):
            if not clean_text(table.rows[0][first]).endswith("(示例)"):  # clean_text folds （） to ()
                break
            table.rows.pop(0)
            table.header_row += 1

    def column(self, table: Table, hmap: HeaderMap, key: str) -> list[object]:
        position = hmap.index.get(key)
        if position is None:
            return [None] * len(table.rows)
        return [row[position] if position < len(row) else None for row in table.rows]

    def error(self, result: Result, index: int, key: str, message: str, warning: bool = False) -> None:
        result.issues.append(Issue(index, self.labels.get(key, key), message, warning))

    def per_value(self, result: Result, values: list[object], key: str, func, bad: set[int]) -> list:
        """Normalise a column, each distinct value once; errors recorded against every row that has it."""
        cache: dict[object, object] = {}
        failures: dict[object, str] = {}
        out = []
        for index, raw in enumerate(values):
            cache_key = (type(raw), raw) if not isinstance(raw, list) else None
            if cache_key in failures:
                self.error(result, index, key, failures[cache_key])
                bad.add(index)
                out.append(None)
                continue
            if cache_key in cache:
                out.append(cache[cache_key])
                continue
            try:
                value = func(raw)
            except InvalidValue as exc:
                failures[cache_key] = str(exc)
                self.error(result, index, key, str(exc))
                bad.add(index)
                out.append(None)
                continue
            cache[cache_key] = value
            out.append(value)
        return out

    def resolve_union(self, result: Result, values: list[object], key: str, bad: set[int]) -> list:
        names = {clean_text(v) for v in set(values)} - {""}  # distinct cells first: a million rows, 50 unions
        found: dict[str, list[UnionOrg]] = defaultdict(list)
        for union in self.unions_qs().filter(name__in=names):
            found[union.name].append(union)
        outside = set(UnionOrg.objects.filter(name__in=names - set(found)).values_list("name", flat=True))

        def pick(raw):
            name = clean_text(raw)
            if not name:
                if self.default_union is not None:
                    return self.default_union
                raise InvalidValue(f"{self.labels[key]}不能为空")
            hits = found.get(name, [])
            if not hits:
                if name in outside:
                    raise InvalidValue(f"工会「{name}」不在您的管辖范围内")
                raise InvalidValue(f"找不到工会「{name}」，请填写系统中已有工会的全称")
            if len(hits) > 1:
                raise InvalidValue(f"有 {len(hits)} 个名为「{name}」的工会，无法确定是哪一个")
            if hits[0].status != UnionOrg.Status.ACTIVE:
                raise InvalidValue(f"工会「{name}」已{hits[0].get_status_display()}")
            return hits[0]

        return self.per_value(result, values, key, pick, bad)

    def resolve_choice(self, result, values, key, choices, bad, default):
        by_label = {clean_text(label): value for value, label in choices}
        by_value = {str(value).lower(): value for value, _ in choices}

        def pick(raw):
            text = clean_text(raw)
            if not text:
                return default
            hit = by_label.get(text) or by_value.get(text.lower())
            if hit is None:
                starts = [v for label, v in by_label.items() if label.startswith(text)]
                if len(starts) == 1:
                    return starts[0]
                raise InvalidValue(f"「{text}」不是可选值，可填：{'、'.join(by_label)}")
            return hit

        return self.per_value(result, values, key, pick, bad)

    def resolve_region(self, result, values, key, bad) -> list:
        def pick(raw):
            text = compact(raw)
            if isinstance(raw, float) and raw.is_integer():
                text = str(int(raw))
            if not text:
                raise InvalidValue(f"{self.labels[key]}不能为空")
            qs = Region.objects.filter(code=text) if text.isdigit() else Region.objects.filter(name=text)
            hits = list(qs[:2])
            if not hits:
                raise InvalidValue(f"找不到行政区划「{text}」")
            if len(hits) > 1:
                raise InvalidValue(f"有多个名为「{text}」的行政区划，请填写 6 位区划代码")
            return hits[0]

        return self.per_value(result, values, key, pick, bad)

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        raise NotImplementedError

    def may_commit(self, result: Result) -> bool:
        return not result.errors or self.skip_invalid


# ====================================================================== members
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


class MemberImporter(Importer):
    kind = "members"
    default_column = "union"
    # Fields an import may update on an existing membership inside the importer's scope.
    UPDATABLE = ("name", "workplace_id", "employment_status", "is_migrant_worker", "new_form_group_id")

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        import time

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
        with transaction.atomic():
            self.insert(creates)
            self.update(updates)
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
        _duplicates(self, table, result, [rid[0] if rid else None for rid in ids], "id_number", bad)

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

    def resolve_workplaces(self, result: Result, values: list[object], bad: set[int]) -> list:
        distinct = set(values)
        texts = {compact(v).upper() for v in distinct} - {""}
        if not texts:
            return [None] * len(values)
        names = {clean_text(v) for v in distinct} - {""}
        by_uscc = dict(self.workplaces_qs().filter(uscc__in=texts).values_list("uscc", "pk"))
        by_name: dict[str, list[int]] = defaultdict(list)
        for name, pk in self.workplaces_qs().filter(name__in=names).values_list("name", "pk"):
            by_name[name].append(pk)

        def pick(raw):
            text = clean_text(raw)
            if not text:
                return None
            code = compact(raw).upper()
            if code in by_uscc:
                return by_uscc[code]
            hits = by_name.get(text, [])
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise InvalidValue(f"有 {len(hits)} 个名为「{text}」的单位，请填写统一社会信用代码")
            raise InvalidValue(f"找不到单位「{text}」（须是您管辖范围内已登记的单位）")

        return self.per_value(result, values, "workplace", pick, bad)

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
        creates: list[MemberRow] = []
        updates: list[tuple[MemberRow, dict, dict]] = []
        contacts: dict[int, str] = {}
        for row in valid:
            existing = held.get(row.id_hash)
            if existing is None:
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

    # ------------------------------------------------------------------ commit
    MEMBER_COLUMNS = (
        "name",
        "id_number_enc",
        "id_hash",
        "id_masked",
        "id_upgraded",
        "birth_date",
        "sex",
        "province_code",
        "phone_enc",
        "phone_hash",
        "phone_masked",
        "union_id",
        "workplace_id",
        "join_date",
        "status",
        "employment_status",
        "is_migrant_worker",
        "new_form_group_id",
    )

    def member_values(self, row: MemberRow) -> tuple:
        phone = row.phone
        return (
            row.name,
            crypto.encrypt(row.number),
            row.id_hash,
            mask_id_number(row.number),
            row.upgraded,
            row.birth_date,
            row.sex,
            row.number[:2],
            crypto.encrypt(phone) if phone else "",
            crypto.lookup_hash("phone", phone) if phone else "",
            mask_phone(phone) if phone else "",
            row.union.pk,
            row.workplace_id,
            row.join_date,
            MemberStatus.ACTIVE.value,
            row.employment_status,
            row.is_migrant_worker,
            row.new_form_group_id,
        )

    def insert(self, creates: list[MemberRow]) -> None:
        if not creates:
            return
        if connection.vendor == "postgresql":
            self.insert_copy(creates)
        else:
            self.insert_bulk(creates)

    def insert_bulk(self, creates: list[MemberRow]) -> None:
        actor = self.user if getattr(self.user, "pk", None) else None
        for start in range(0, len(creates), 2000):
            batch = creates[start : start + 2000]
            members = [
                Member(**dict(zip(self.MEMBER_COLUMNS, self.member_values(r), strict=True))) for r in batch
            ]
            Member.objects.bulk_create(members)
            self.insert_events(
                [
                    MembershipEvent(
                        member_id=m.pk,
                        kind=EventKind.JOIN,
                        date=m.join_date,
                        union_id=m.union_id,
                        delta=EVENT_DELTA[EventKind.JOIN],
                        reason=ChangeReason.NEW,
                        note="批量导入",
                        actor=actor,
                    )
                    for m in members
                ]
            )

    def insert_events(self, events: list[MembershipEvent]) -> None:
        MembershipEvent.objects.bulk_create(events)

    def insert_copy(self, creates: list[MemberRow]) -> None:
        """COPY straight into the member table, then the 入会 events, with ids taken from the member
        sequence beforehand. Streaming: PostgreSQL maintains the indexes of one batch while this process
        encrypts and formats the next, so the two cores work at once."""
        member_table = Member._meta.db_table
        with connection.cursor() as cursor:
            # One nextval per row, in one statement: safe beside concurrent inserts (a setval of a
            # range is not), and the ids tie each event to its member without reading them back.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
                [member_table, len(creates)],
            )
            ids = cursor.fetchone()[0]
            now = timezone.now()
            cols = ", ".join(("id", *self.MEMBER_COLUMNS, "created_at", "updated_at"))
            with cursor.cursor.copy(f"COPY {member_table} ({cols}) FROM STDIN") as copy:
                stamp = now.isoformat()
                for batch in _batches(zip(ids, creates, strict=True), 2000):
                    copy.write(
                        "".join(_copy_line((pk, *self.member_values(row), stamp, stamp)) for pk, row in batch)
                    )
            self.copy_events(cursor, ids, creates, now)

    def copy_events(self, cursor, ids: list[int], creates: list[MemberRow], now: dt.datetime) -> None:
        event_table = MembershipEvent._meta.db_table
        actor_id = getattr(self.user, "pk", None)
        kind, delta, reason = EventKind.JOIN.value, EVENT_DELTA[EventKind.JOIN], ChangeReason.NEW.value
        cols = "member_id, kind, date, union_id, delta, reason, note, actor_id, created_at"
        with cursor.cursor.copy(f"COPY {event_table} ({cols}) FROM STDIN") as copy:
            for batch in _batches(zip(ids, creates, strict=True), 5000):
                copy.write(
                    "".join(
                        _copy_line(
                            (pk, kind, row.join_date, row.union.pk, delta, reason, "批量导入", actor_id, now)
                        )
                        for pk, row in batch
                    )
                )

    def update(self, updates: list[tuple[MemberRow, dict, dict]]) -> None:
        """bulk_update writes every listed field of every object: start each from the stored values."""
        if not updates:
            return
        now = timezone.now()
        objs = []
        for _row, existing, changes in updates:
            member = Member(pk=existing["pk"], updated_at=now)
            for key in (*self.UPDATABLE, "phone_enc", "phone_hash", "phone_masked"):
                setattr(member, key, existing[key])
            for key, value in changes.items():
                if key == "phone":
                    member.set_phone(value)
                else:
                    setattr(member, key, value)
            objs.append(member)
        fields = [*self.UPDATABLE, "phone_enc", "phone_hash", "phone_masked", "updated_at"]
        Member.objects.bulk_update(objs, fields, batch_size=1000)


# ====================================================================== workplaces and unions
class RowImporter(Importer):
    """Workplaces and unions are counted in thousands, not millions: validate set-based like members,
    then save row by row through the models (the union tree needs each parent's path) inside one
    transaction."""

    def run(self, table: Table, hmap: HeaderMap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        records = self.validate(table, hmap, result)
        progress(40, "比对已有记录")
        plan = self.plan(records, result)
        result.errors = len(result.error_rows())
        result.created = sum(1 for step in plan if step[0] == "create")
        result.updated = sum(1 for step in plan if step[0] == "update")
        result.skipped = result.rows - result.errors - result.created - result.updated
        if dry_run or not self.may_commit(result):
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            self.commit(plan)
        result.committed = True
        return result


def _int(raw) -> int:
    if raw is None or raw == "":
        return 0
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InvalidValue(f"「{raw}」应为整数")
        return int(raw)
    text = compact(raw).replace(",", "")
    if not text.isdigit():
        raise InvalidValue(f"「{text}」应为整数")
    return int(text)


def _code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return compact(raw).upper()


class WorkplaceImporter(RowImporter):
    kind = "workplaces"
    default_column = "governing_union"
    FIELDS = (
        "name", "uscc", "ownership", "industry", "employee_count", "region", "governing_union", "address",
        "is_legal_entity", "is_above_scale", "has_workers_congress", "has_open_affairs",
        "has_employee_director", "has_employee_supervisor",
    )  # fmt: skip

    def validate(self, table, hmap, result) -> list[dict | None]:
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        values = {
            "name": self.per_value(result, col("name"), "name", _required_text(self.labels["name"]), bad),
            "uscc": self.per_value(result, col("uscc"), "uscc", lambda v: normalize_uscc(_code(v)), bad),
            "ownership": self.resolve_choice(
                result, col("ownership"), "ownership", Ownership.choices, bad, Ownership.PRIVATE
            ),
            "industry": self.resolve_choice(result, col("industry"), "industry", Industry.choices, bad, ""),
            "employee_count": self.per_value(result, col("employee_count"), "employee_count", _int, bad),
            "region": self.resolve_region(result, col("region"), "region", bad),
            "governing_union": self.resolve_union(result, col("governing_union"), "governing_union", bad),
            "address": [clean_text(v)[:255] for v in col("address")],
        }
        for key in ("has_workers_congress", "has_open_affairs", "has_employee_director",
                    "has_employee_supervisor", "is_above_scale"):  # fmt: skip
            values[key] = self.per_value(result, col(key), key, normalize_bool, bad)
        values["is_legal_entity"] = self.per_value(
            result, col("is_legal_entity"), "is_legal_entity", lambda v: normalize_bool(v) if v else True, bad
        )
        values["registered_on"] = self.per_value(
            result, col("registered_on"), "registered_on", _registration_date, bad
        )
        _duplicates(self, table, result, values["uscc"], "uscc", bad)
        records = []
        for i in range(len(table.rows)):
            if i in bad:
                records.append(None)
                continue
            record = {key: values[key][i] for key in self.FIELDS} | {"index": i}
            if values["registered_on"][i] is not None:  # left empty: the import day (a new row) or unchanged
                record["registered_on"] = values["registered_on"][i]
            records.append(record)
        return records

    def plan(self, records, result):
        valid = [r for r in records if r is not None]
        codes = [r["uscc"] for r in valid if r["uscc"]]
        existing_by_code = {
            w.uscc: w for w in Workplace.objects.filter(uscc__in=codes).select_related("governing_union")
        }
        names = [r["name"] for r in valid if not r["uscc"]]
        existing_by_name: dict[tuple, Workplace] = {}
        for w in self.workplaces_qs().filter(name__in=names, uscc__isnull=True):
            existing_by_name.setdefault((w.name, w.governing_union_id), w)
        plan = []
        for record in valid:
            index = record.pop("index")
            record["uscc"] = record["uscc"] or None
            current = (
                existing_by_code.get(record["uscc"])
                if record["uscc"]
                else existing_by_name.get((record["name"], record["governing_union"].pk))
            )
            if current is None:
                plan.append(("create", None, record))
                continue
            if not self.in_scope(current.governing_union.path):
                # Another subtree's record: say whom to ask, not which union holds it.
                contact = self.contact(current.governing_union.path)
                self.error(
                    result, index, "uscc",
                    f"该统一社会信用代码的单位已登记在您管辖范围以外的工会名下，本行未导入；"
                    f"如需变更属地工会，请联系{contact}",
                )  # fmt: skip
                continue
            changed = {k: v for k, v in record.items() if getattr(current, k) != v}
            if changed:
                plan.append(("update", current, changed))
        return plan

    def commit(self, plan) -> None:
        created = Workplace.objects.bulk_create(
            [Workplace(**record) for action, _, record in plan if action == "create"]
        )
        updated = []
        for action, current, changed in plan:
            if action == "update":
                for key, value in changed.items():
                    setattr(current, key, value)
                current.save()
                updated.append(current)
        # The dated history the indicators read (as of a past date), in the import's transaction.
        record_workplace_states([*created, *updated])


def _registration_date(value) -> dt.date | None:
    day = normalize_date(value)
    if day is not None and day > timezone.localdate():
        raise InvalidValue(f"登记日期 {day:%Y-%m-%d} 晚于今天")
    return day


class UnionImporter(RowImporter):
    kind = "unions"
    default_column = "parent"
    FIELDS = (
        "name", "kind", "region", "uscc", "founded_on", "chair_name", "term_start", "term_years",
        "has_audit_committee", "has_women_committee",
    )  # fmt: skip

    def validate(self, table, hmap, result) -> list[dict | None]:
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        names = self.per_value(result, col("name"), "name", _required_text(self.labels["name"]), bad)
        values = {
            "name": names,
            "kind": self.resolve_choice(result, col("kind"), "kind", UnionKind.choices, bad, None),
            "region": self.resolve_region(result, col("region"), "region", bad),
            "uscc": self.per_value(result, col("uscc"), "uscc", lambda v: normalize_uscc(_code(v)), bad),
            "founded_on": self.per_value(result, col("founded_on"), "founded_on", normalize_date, bad),
            "chair_name": [clean_text(v)[:50] for v in col("chair_name")],
            "term_start": self.per_value(result, col("term_start"), "term_start", normalize_date, bad),
            "term_years": self.per_value(result, col("term_years"), "term_years", _term_years, bad),
            "has_audit_committee": self.per_value(
                result, col("has_audit_committee"), "has_audit_committee", normalize_bool, bad
            ),
            "has_women_committee": self.per_value(
                result, col("has_women_committee"), "has_women_committee", normalize_bool, bad
            ),
        }
        for i, kind in enumerate(values["kind"]):
            if kind is None and i not in bad:
                self.error(result, i, "kind", "组织类型不能为空")
                bad.add(i)
        # Parents: an existing union in scope, or a union named in an earlier row of this file.
        earlier: dict[str, int] = {}
        parent_raw = col("parent")
        existing_parents = self.resolve_union(
            Result(kind=self.kind),
            [p if clean_text(p) not in set(names) else "" for p in parent_raw],
            "parent",
            set(),
        )
        parents: list = [None] * len(names)
        for i, raw in enumerate(parent_raw):
            text = clean_text(raw)
            if text and text in earlier:
                parents[i] = ("row", earlier[text])
            elif text and text in set(n for n in names if n):
                self.error(result, i, "parent", f"上级工会「{text}」在本表中出现在后面的行，请把上级放在前面")
                bad.add(i)
            elif existing_parents[i] is not None:
                parents[i] = ("union", existing_parents[i])
            else:
                # Re-run the resolver for this value to get its reason.
                probe = Result(kind=self.kind)
                self.resolve_union(probe, [raw], "parent", set())
                message = probe.issues[0].message if probe.issues else "上级工会无效"
                self.error(result, i, "parent", message)
                bad.add(i)
            if names[i]:
                earlier.setdefault(names[i], i)
        values["parent"] = parents
        values["workplaces"] = self.resolve_covered(result, col("workplaces"), bad)
        _duplicates(self, table, result, values["uscc"], "uscc", bad)
        return [
            None
            if i in bad
            else {key: values[key][i] for key in (*self.FIELDS, "parent", "workplaces")} | {"index": i}
            for i in range(len(table.rows))
        ]

    def resolve_covered(self, result, values, bad) -> list[list[int]]:
        """覆盖单位: names or USCCs separated by 、，,;； — each must be a workplace in scope."""
        import re

        parts = [[p for p in re.split(r"[、，,;；\n]", clean_text(v)) if p.strip()] for v in values]
        wanted = {p.strip() for row in parts for p in row}
        found: dict[str, list[int]] = defaultdict(list)
        for pk, name, code in (
            self.workplaces_qs()
            .filter(Q(name__in=wanted) | Q(uscc__in=wanted))
            .values_list("pk", "name", "uscc")
        ):
            found[name].append(pk)
            if code:
                found[code].append(pk)
        out = []
        for index, row in enumerate(parts):
            pks = []
            for part in (p.strip() for p in row):
                hits = found.get(part, [])
                if len(hits) != 1:
                    reason = (
                        "有多个同名单位，请填写统一社会信用代码"
                        if hits
                        else "找不到该单位（须在您的管辖范围内）"
                    )
                    self.error(result, index, "workplaces", f"覆盖单位「{part}」：{reason}")
                    bad.add(index)
                else:
                    pks.append(hits[0])
            out.append(pks)
        return out

    def plan(self, records, result):
        valid = [r for r in records if r is not None]
        existing = {}
        for union in self.unions_qs().filter(name__in=[r["name"] for r in valid]):
            existing.setdefault((union.name, union.parent_id), union)
        codes = {u.uscc: u for u in UnionOrg.objects.filter(uscc__in=[r["uscc"] for r in valid if r["uscc"]])}
        known: dict[int, UnionOrg | None] = {}  # row → the union it already is in the database
        plan = []
        for record in valid:
            index = record.pop("index")
            record["uscc"] = record["uscc"] or None
            kind, parent = record["parent"]
            parent_union = parent if kind == "union" else known.get(parent)
            current = codes.get(record["uscc"]) if record["uscc"] else None
            if current is None and parent_union is not None:
                current = existing.get((record["name"], parent_union.pk))
            if current is not None and not self.in_scope(current.path):
                self.error(
                    result,
                    index,
                    "name",
                    "该统一社会信用代码的工会已在您管辖范围以外登记，本行未导入；"
                    f"如有疑问请联系{self.contact(current.path)}",
                )
                continue
            known[index] = current
            if current is None:
                plan.append(("create", index, None, record))
                continue
            fields = {k: v for k, v in record.items() if k not in ("parent", "workplaces")}
            changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
            step = changed | {"workplaces": record["workplaces"]}
            plan.append(("update" if changed else "same", index, current, step))
        return plan

    def commit(self, plan) -> None:
        by_row: dict[int, UnionOrg] = {}
        for action, index, current, record in plan:
            covered = record.pop("workplaces", [])
            if action == "create":
                kind, parent = record.pop("parent")
                record["parent"] = by_row[parent] if kind == "row" else parent
                current = UnionOrg(**record)
            else:
                for key, value in record.items():
                    setattr(current, key, value)
            if action != "same":
                current.save()
            if covered:
                current.workplaces.add(*covered)
            by_row[index] = current


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    kind = type(value)
    if kind is str or isinstance(value, str):  # most values (and text choices): check it first
        # isprintable() is False for tab, newline and carriage return; a backslash must be escaped too.
        return value.translate(_COPY_ESCAPES) if "\\" in value or not value.isprintable() else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    return value.isoformat()  # dates and datetimes: the only other types the two tables get


def _copy_line(values: tuple) -> str:
    """One line of COPY text. Written here rather than psycopg's write_row, which measured ≈ 15 µs a
    row on a million-row import; the values come from the same code as the bulk_create path."""
    return "\t".join(map(_copy_value, values)) + "\n"


def _required_text(label: str):
    def func(raw):
        text = clean_text(raw)
        if not text:
            raise InvalidValue(f"{label}不能为空")
        return text[:200]

    return func


def _term_years(raw):
    if raw is None or raw == "":
        return None
    value = _int(raw)
    if value not in (3, 5):
        raise InvalidValue("任期应为 3 年或 5 年")
    return value


def _duplicates(
    importer: Importer, table: Table, result: Result, values: list, key: str, bad: set[int]
) -> None:
    seen: dict[object, int] = {}
    for index, value in enumerate(values):
        if not value:
            continue
        first = seen.setdefault(value, index)
        if first != index:
            label = importer.labels[key]
            importer.error(result, index, key, f"与第 {table.excel_row(first)} 行{label}重复")
            importer.error(result, first, key, f"与第 {table.excel_row(index)} 行{label}重复")
            bad.update((index, first))


IMPORTERS: dict[str, type[Importer]] = {
    "members": MemberImporter,
    "workplaces": WorkplaceImporter,
    "unions": UnionImporter,
}


def importer_for(kind: str, user, default_union: UnionOrg | None = None) -> Importer:
    """The importer for a user: a superuser's is unbounded (scope None), anyone else's is held to their
    node, and a user who governs nothing gets none."""
    prefix = scope_prefix(user)
    if prefix is None:
        raise PermissionDenied("您的账号未分配所属工会，不能导入")
    scope = None if prefix == EVERYTHING else home_node(user)
    return IMPORTERS[kind](user, scope, default_union)


def iter_issue_text(issues: Iterable[Issue]) -> dict[int, str]:
    by_row: dict[int, list[str]] = defaultdict(list)
    for issue in issues:
        prefix = "提示：" if issue.warning else ""
        by_row[issue.index].append(
            f"{prefix}{issue.column}：{issue.message}" if issue.column else issue.message
        )
    return {index: "；".join(parts) for index, parts in by_row.items()}
