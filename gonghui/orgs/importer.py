"""Importing workplaces (单位) and union organisations (工会组织), registered with the import engine in
``OrgsConfig.ready()``; and :class:`OrgReferences`, the resolvers of unions, workplaces and regions that
every importer naming them (members here; directories, rosters, venues next) builds on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from gonghui.core.normalize import (
    InvalidValue,
    clean_text,
    compact,
    normalize_bool,
    normalize_date,
    normalize_uscc,
)
from gonghui.imports.columns import YES_NO, Column
from gonghui.imports.engine import (
    Importer,
    Result,
    RowImporter,
    parse_code,
    parse_int,
    required_text,
)
from gonghui.regions.models import Region

from .models import Industry, Ownership, UnionKind, UnionOrg, Workplace
from .services import common_ancestor_name, record_workplace_states


class OrgReferences(Importer):
    """An importer whose rows name unions, workplaces or regions: each is resolved once per distinct
    cell, inside the importer's scope, with a Chinese reason when it cannot be."""

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

    def resolve_workplaces(
        self, result: Result, values: list[object], bad: set[int], key: str = "workplace"
    ) -> list:
        """A workplace in scope by USCC or by its full name; empty cells give None."""
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

        return self.per_value(result, values, key, pick, bad)


WORKPLACE_COLUMNS = [
    Column("name", "单位名称", ("单位", "企业名称", "单位全称"), True, "单位全称", "芜湖某某科技有限公司"),
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码"),
        False,
        "18 位；有则必须正确，同一代码只能对应一个单位",
        "91340207MA2N0ABCXX",
        text=True,
    ),
    Column(
        "ownership",
        "单位性质",
        ("所有制", "所有制类型", "经济类型"),
        False,
        "留空为「私营及其他非公有制企业」",
        "私营及其他非公有制企业",
        choices=tuple(label for _, label in Ownership.choices),
    ),
    Column(
        "industry",
        "所属行业",
        ("行业", "行业门类"),
        False,
        "国民经济行业门类（GB/T 4754）",
        "制造业",
        choices=tuple(label for _, label in Industry.choices),
    ),
    Column("employee_count", "职工人数", ("职工数", "人数", "从业人数"), False, "整数", 120),
    Column(
        "region",
        "所在地区",
        ("行政区划", "区划代码", "所在区县", "地区"),
        True,
        "6 位行政区划代码（如 340207）或区县名称",
        "340207",
        text=True,
    ),
    Column(
        "governing_union",
        "属地工会",
        ("上级工会", "所属工会"),
        True,
        "负责该单位的县级、乡镇（街道）或开发区工会全称；导入时指定了默认工会的可留空",
        "鸠江区总工会",
    ),
    Column("address", "地址", ("单位地址", "详细地址"), False, "", ""),
    Column("is_legal_entity", "法人单位", ("是否法人单位",), False, "留空为「是」", "是", choices=YES_NO),
    Column("is_above_scale", "规模以上企业", ("是否规上企业", "规上企业"), False, "", "否", choices=YES_NO),
    Column(
        "has_workers_congress", "已建立职代会制度", ("职代会", "建立职代会"), False, "", "是", choices=YES_NO
    ),
    Column("has_open_affairs", "已实行厂务公开", ("厂务公开",), False, "", "是", choices=YES_NO),
    Column("has_employee_director", "已设职工董事", ("职工董事",), False, "", "否", choices=YES_NO),
    Column("has_employee_supervisor", "已设职工监事", ("职工监事",), False, "", "否", choices=YES_NO),
    Column(
        "registered_on",
        "登记日期",
        ("列入台账日期", "登记时间"),
        False,
        "单位列入本系统台账的日期，按日期统计的指标从该日起计入；留空为导入当天",
        "2018-03-01",
    ),
]

UNION_COLUMNS = [
    Column(
        "name",
        "工会名称",
        ("工会", "组织名称", "工会全称"),
        True,
        "工会组织全称",
        "芜湖某某科技有限公司工会委员会",
    ),
    Column(
        "kind",
        "组织类型",
        ("工会类型", "类型"),
        True,
        "",
        "基层工会委员会",
        choices=tuple(label for _, label in UnionKind.choices),
    ),
    Column(
        "parent",
        "上级工会",
        ("上级", "隶属工会"),
        True,
        "已有的工会或本表中前面行里的工会；导入时指定了默认工会的可留空",
        "鸠江区总工会",
    ),
    Column(
        "region",
        "所在地区",
        ("行政区划", "区划代码", "地区"),
        True,
        "6 位行政区划代码或区县名称",
        "340207",
        text=True,
    ),
    Column("uscc", "统一社会信用代码", ("工会统一社会信用代码", "信用代码"), False, "", "", text=True),
    Column("founded_on", "成立日期", ("建会日期", "成立时间"), False, "日期", "2023-05-01"),
    Column("chair_name", "工会主席", ("主席", "主席姓名"), False, "", "李四"),
    Column(
        "term_start", "本届任期开始", ("任期开始", "换届日期", "本届换届时间"), False, "日期", "2023-05-01"
    ),
    Column("term_years", "任期（年）", ("任期", "任期年限"), False, "3 或 5", "5", choices=("3", "5")),
    Column(
        "has_audit_committee",
        "已建经费审查委员会",
        ("经审会", "经费审查委员会"),
        False,
        "",
        "是",
        choices=YES_NO,
    ),
    Column(
        "has_women_committee", "已建女职工委员会", ("女职工委员会", "女职委"), False, "", "是", choices=YES_NO
    ),
    Column(
        "workplaces",
        "覆盖单位",
        ("所在单位", "单位名称", "覆盖企业"),
        False,
        "单位全称或统一社会信用代码，多个用顿号（、）或分号分隔",
        "",
    ),
]


class WorkplaceImporter(OrgReferences, RowImporter):
    kind = "workplaces"
    title = "单位"
    columns = WORKPLACE_COLUMNS
    model = "orgs.workplace"
    list_url = "orgs:workplace-list"
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
            "name": self.per_value(result, col("name"), "name", required_text(self.labels["name"]), bad),
            "uscc": self.per_value(result, col("uscc"), "uscc", lambda v: normalize_uscc(parse_code(v)), bad),
            "ownership": self.resolve_choice(
                result, col("ownership"), "ownership", Ownership.choices, bad, Ownership.PRIVATE
            ),
            "industry": self.resolve_choice(result, col("industry"), "industry", Industry.choices, bad, ""),
            "employee_count": self.per_value(result, col("employee_count"), "employee_count", parse_int, bad),
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
        self.duplicates(table, result, values["uscc"], "uscc", bad)
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
        new = [Workplace(**record) for action, _, record in plan if action == "create"]
        for workplace in new:  # bulk_create bypasses save(): the matching key is set here
            workplace.normalize_name()
        created = Workplace.objects.bulk_create(new)
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


class UnionImporter(OrgReferences, RowImporter):
    kind = "unions"
    title = "工会组织"
    columns = UNION_COLUMNS
    model = "orgs.unionorg"
    list_url = "orgs:union-list"
    default_column = "parent"
    FIELDS = (
        "name", "kind", "region", "uscc", "founded_on", "chair_name", "term_start", "term_years",
        "has_audit_committee", "has_women_committee",
    )  # fmt: skip

    def validate(self, table, hmap, result) -> list[dict | None]:
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        names = self.per_value(result, col("name"), "name", required_text(self.labels["name"]), bad)
        values = {
            "name": names,
            "kind": self.resolve_choice(result, col("kind"), "kind", UnionKind.choices, bad, None),
            "region": self.resolve_region(result, col("region"), "region", bad),
            "uscc": self.per_value(result, col("uscc"), "uscc", lambda v: normalize_uscc(parse_code(v)), bad),
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
        self.duplicates(table, result, values["uscc"], "uscc", bad)
        return [
            None
            if i in bad
            else {key: values[key][i] for key in (*self.FIELDS, "parent", "workplaces")} | {"index": i}
            for i in range(len(table.rows))
        ]

    def resolve_covered(self, result, values, bad) -> list[list[int]]:
        """覆盖单位: names or USCCs separated by 、，,;； — each must be a workplace in scope."""

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


def _term_years(raw):
    if raw is None or raw == "":
        return None
    value = parse_int(raw)
    if value not in (3, 5):
        raise InvalidValue("任期应为 3 年或 5 年")
    return value
