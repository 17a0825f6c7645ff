"""The logical checks (逻辑检查) a 年报 must pass before it can be submitted, and the JSON form in which
an approved 年报 keeps its tables and their failures (``Report.frozen``).

Apart from ``annual``, which computes the tables from the registry: the checks only read tables (however
they were made, or read back from the frozen JSON), and their failures carry what the tables do not — the
records behind them and the 核查说明 that may excuse them. This module imports ``annual``; ``annual``
never imports it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gonghui.orgs.models import UnionKind

from .annual import KEYS, AnnualRollup, AnnualTables, Row, Table

# -- logical checks (逻辑检查) --------------------------------------------------------------------------


@dataclass
class Record:
    """A registry record behind a failed check."""

    kind: str  # 工会 / 单位 / 下级单位
    id: int | None
    name: str


# The checks whose failure an explanation excuses (核查说明); the others must be corrected in the registry.
EXPLAINABLE = frozenset({"members_le_employees"})


@dataclass
class Failure:
    check: str
    table: str
    row: str
    column: str
    message: str
    records: list[Record] = field(default_factory=list)
    key: str = ""  # what an explanation is filed under
    explanation: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.explanation)

    @property
    def explainable(self) -> bool:
        return self.check in EXPLAINABLE

    def where(self) -> str:
        return f"{self.table}「{self.row}」行「{self.column}」列"


def _labels(table: Table, row: str, column: str) -> tuple[str, str]:
    row_label = next((r.label for r in table.rows if r.key == row), row)
    column_label = dict(table.columns).get(column, column)
    return row_label, column_label


def _failure(check: str, table: Table, row: str, column: str, message: str, **kwargs) -> Failure:
    row_label, column_label = _labels(table, row, column)
    title = f"{table.code} {table.title}"
    return Failure(check, title, row_label, column_label, message, **kwargs)


def check(
    tables: AnnualTables,
    sub_tables: Sequence[AnnualTables] = (),
    explanations: Mapping[str, str] | None = None,
) -> list[Failure]:
    """Run the logical checks of the 年报 on ``tables`` (``sub_tables``: the sub-units' tables, which
    must add up to it). An explanation (by ``Failure.key``) excuses a workplace union with more members
    than employees; the other checks admit none."""
    explanations = explanations or {}
    failures: list[Failure] = []
    for t in tables.tables:
        if t.unavailable:
            continue
        total = next(r for r in t.rows if r.is_total)
        for column, _label in t.columns:
            parts = [r.values[column] for r in t.rows if not r.is_total]
            summed = sum(v or 0 for v in parts)
            if total.values[column] is not None and summed != total.values[column]:
                failures.append(
                    _failure(
                        "sub_rows",
                        t,
                        total.key,
                        column,
                        f"分项之和 {summed} 不等于合计 {total.values[column]}",
                        key=f"sub_rows:{t.code}:{column}",
                    )
                )
    t3 = tables.table("T3")
    for row in t3.rows:
        members = row.values["members"] or 0
        for column, what in (
            ("women", "女性会员"),
            ("migrant", "农民工会员"),
            ("new_form", "新就业形态会员"),
        ):
            value = row.values[column]
            if value is not None and value > members:
                failures.append(
                    _failure(
                        "part_le_members",
                        t3,
                        row.key,
                        column,
                        f"{what} {value} 多于会员数 {members}",
                        key=f"part_le_members:{row.key}:{column}",
                    )
                )
    t4 = tables.table("T4")
    if not t4.unavailable:
        for row in t4.rows:
            workplaces, covered = row.values["workplaces"] or 0, row.values["covered"] or 0
            joint = row.values["covered_joint"] or 0
            if covered > workplaces:
                failures.append(
                    _failure(
                        "covered_le_workplaces",
                        t4,
                        row.key,
                        "covered",
                        f"已建会单位数 {covered} 多于单位数 {workplaces}",
                        key=f"covered_le_workplaces:{row.key}",
                    )
                )
            if joint > covered:
                failures.append(
                    _failure(
                        "covered_le_workplaces",
                        t4,
                        row.key,
                        "covered_joint",
                        f"联合基层工会覆盖单位数 {joint} 多于已建会单位数 {covered}",
                        key=f"covered_le_workplaces:{row.key}:joint",
                    )
                )
    for o in tables.overfull:
        key = f"members_le_employees:{o.union_id}"
        failures.append(
            _failure(
                "members_le_employees",
                tables.table("T1"),
                UnionKind.COMMITTEE,
                "members",
                f"「{o.union_name}」会员 {o.members} 人，多于所在单位「{o.workplace_name}」职工 {o.employees} 人",
                records=[
                    Record("工会", o.union_id, o.union_name),
                    Record("单位", o.workplace_id, o.workplace_name),
                ],
                key=key,
                explanation=explanations.get(key, ""),
            )
        )
    if sub_tables:
        records = [Record("下级单位", s.node_id, s.node_name) for s in sub_tables]
        summed_grid: dict[tuple[str, str, str], int] = defaultdict(int)
        for s in sub_tables:
            for k, v in s.grid().items():
                summed_grid[k] += v or 0
        for t in tables.tables:
            if t.unavailable:
                continue
            for row in t.rows:
                for column, _label in t.columns:
                    value = row.values[column]
                    summed = summed_grid[(t.code, row.key, column)]
                    if value is not None and value != summed:
                        failures.append(
                            _failure(
                                "sum_of_sub_units",
                                t,
                                row.key,
                                column,
                                f"本单位 {value} 不等于下级单位之和 {summed}",
                                records=records,
                                key=f"sum_of_sub_units:{t.code}:{row.key}:{column}",
                            )
                        )
    return failures


def check_node(
    rollup: AnnualRollup, union_id: int, explanations: Mapping[str, str] | None = None
) -> list[Failure]:
    """``check(tables, sub_units)`` of one node of ``rollup``, with the sum of the sub-units taken on the
    figure matrix instead of on tables built for each sub-unit (a township has a hundred grassroots
    unions; the province's check would otherwise build a table set for every union)."""
    tables = rollup.tables(union_id)
    failures = check(tables, (), explanations)
    row = rollup.index[union_id]
    kids = [rollup.index[c] for c in rollup.children(union_id)]
    summed = rollup.matrix[kids].sum(axis=0) + rollup.own[row] if kids else rollup.own[row]
    differ = np.nonzero(summed != rollup.matrix[row])[0]
    if len(differ):
        records = [Record("下级单位", c, rollup.names[c]) for c in rollup.children(union_id)]
        for i in differ:
            code, key, column = KEYS[i]
            failures.append(
                _failure(
                    "sum_of_sub_units",
                    tables.table(code),
                    key,
                    column,
                    f"本单位 {int(rollup.matrix[row][i])} 不等于下级单位之和 {int(summed[i])}",
                    records=records,
                    key=f"sum_of_sub_units:{code}:{key}:{column}",
                )
            )
    return failures


def blocking_failures(
    tables: AnnualTables,
    sub_tables: Sequence[AnnualTables] = (),
    explanations: Mapping[str, str] | None = None,
) -> list[Failure]:
    """The failures that stop the report from being submitted (every one not explained)."""
    return [f for f in check(tables, sub_tables, explanations) if not f.explained]


# -- frozen form (an approved 年报 keeps the tables and checks it was approved with) ---------------------


def tables_to_json(tables: AnnualTables) -> dict:
    """The tables as JSON (the overfull unions are not kept: the failures they gave are)."""
    return {
        "node_id": tables.node_id,
        "node_name": tables.node_name,
        "as_of": tables.as_of.isoformat(),
        "tables": [
            {
                "code": t.code,
                "title": t.title,
                "unit": t.unit,
                "columns": [list(c) for c in t.columns],
                "rows": [[r.key, r.label, r.values, r.is_total] for r in t.rows],
                "note": t.note,
                "unavailable": t.unavailable,
            }
            for t in tables.tables
        ],
    }


def tables_from_json(data: Mapping) -> AnnualTables:
    return AnnualTables(
        data["node_id"],
        data["node_name"],
        dt.date.fromisoformat(data["as_of"]),
        [
            Table(
                t["code"],
                t["title"],
                t["unit"],
                [tuple(c) for c in t["columns"]],
                [Row(key, label, dict(values), bool(is_total)) for key, label, values, is_total in t["rows"]],
                t.get("note", ""),
                t.get("unavailable", ""),
            )
            for t in data["tables"]
        ],
    )


def failure_to_json(failure: Failure) -> dict:
    return {
        "check": failure.check,
        "table": failure.table,
        "row": failure.row,
        "column": failure.column,
        "message": failure.message,
        "records": [[r.kind, r.id, r.name] for r in failure.records],
        "key": failure.key,
        "explanation": failure.explanation,
    }


def failure_from_json(data: Mapping) -> Failure:
    records = [Record(kind, rid, name) for kind, rid, name in data.get("records", [])]
    fields = {
        k: data.get(k, "") for k in ("check", "table", "row", "column", "message", "key", "explanation")
    }
    return Failure(records=records, **fields)


__all__ = [
    "EXPLAINABLE",
    "Failure",
    "Record",
    "blocking_failures",
    "check",
    "check_node",
    "failure_from_json",
    "failure_to_json",
    "tables_from_json",
    "tables_to_json",
]
