"""Read a target table as the federation prints it (.xlsx): a title line or two, a header row with the
metric names, one row per union organisation, optionally a 合计 row that must equal the column sums.

Read by the import engine's reader (``gonghui.imports.reader.read_sheet``: calamine, no formulas
evaluated, cached values only, with the engine's refusals of oversized files, zip bombs and huge grids),
cleaned through ``gonghui.core.normalize``. All problems are collected and reported together, in Chinese, naming the row
and the column; nothing is saved unless the whole sheet is right.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from gonghui.core.normalize import clean_text, compact
from gonghui.imports.reader import UnreadableFile, read_sheet
from gonghui.orgs.models import UnionOrg

from . import services
from .models import Metric, TargetPlan

TOTAL_LABELS = {"合计", "总计", "全市合计", "全省合计", "全县合计", "小计"}
MAX_ROWS = 2000


class ImportRefused(services.PlanError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("；".join(errors))


@dataclass
class ParsedTable:
    title: str = ""
    metrics: list[Metric] = field(default_factory=list)
    rows: list[tuple[UnionOrg, dict[str, int]]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "metrics": [m.name for m in self.metrics],
            "rows": [
                {"label": label, "union_id": union.pk, "union": union.name, "targets": cells}
                for label, (union, cells) in zip(self.labels, self.rows, strict=True)
            ],
            "totals": self.totals,
            "errors": self.errors,
        }


def _key(text: object) -> str:
    return compact(clean_text(text)).replace("（", "(").replace("）", ")")


def _metric_lookup() -> dict[str, Metric]:
    lookup = {}
    for metric in Metric.objects.all():
        for name in [metric.name, *metric.aliases]:
            lookup[_key(name)] = metric
    return lookup


def _number(value: object, where: str, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.append(f"{where}：「{value}」不是数字")
        return None
    if isinstance(value, (int, float)):
        if float(value) != int(value):
            errors.append(f"{where}：「{value}」不是整数")
            return None
        return int(value)
    text = compact(clean_text(value)).replace(",", "").replace("，", "")
    if text in ("", "-", "—", "/"):
        return None
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            errors.append(f"{where}：「{value}」不是数字")
            return None
        if number != int(number):
            errors.append(f"{where}：「{value}」不是整数")
            return None
        return int(number)


def _name_variants(label: str) -> list[str]:
    """How a printed row label may be shortened: 经开区 for 经济技术开发区, no 总工会 suffix …"""
    out = [label]
    for short, full in (
        ("经开区", "经济技术开发区"),
        ("经开区", "经济开发区"),
        ("高新区", "高新技术产业开发区"),
        ("开发区", "经济开发区"),
    ):
        if short in label:
            out.append(label.replace(short, full))
    return out


def resolve_row(label: str, issuer: UnionOrg, candidates: list[UnionOrg]) -> UnionOrg | str:
    """The union a row label names, among the issuer's subtree (children first). A str is the error."""
    children = [c for c in candidates if c.parent_id == issuer.pk]
    for pool in (children, candidates):
        exact = [u for u in pool if u.name == label or u.name in (label + "总工会", label + "工会")]
        if len(exact) == 1:
            return exact[0]
        for variant in _name_variants(label):
            found = [u for u in pool if variant in u.name]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                exact = [u for u in found if u.name.removeprefix(issuer.region.name).startswith(variant)]
                if len(exact) == 1:
                    return exact[0]
                names = "、".join(u.name for u in found[:4])
                return f"「{label}」对应多个下级组织（{names}），请写全称"
    return f"在「{issuer.name}」的下级组织中找不到「{label}」"


def _read(fileobj: IO[bytes] | str, file_label: str) -> list[list[object]]:
    """The sheet's rows through the engine's reader, which wants a path: an upload is copied to a
    temporary file first (a target table is a few hundred rows)."""
    if isinstance(fileobj, str):
        return read_sheet(fileobj, Path(fileobj).name)
    name = Path(getattr(fileobj, "name", "") or "").name or file_label.strip("「」")
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix or ".xlsx") as tmp:
        fileobj.seek(0)
        shutil.copyfileobj(fileobj, tmp)
        tmp.flush()
        return read_sheet(tmp.name, name)


def parse(fileobj: IO[bytes] | str, issuer: UnionOrg, file_label: str = "文件") -> ParsedTable:
    table = ParsedTable()
    try:
        data = _read(fileobj, file_label)
    except UnreadableFile as exc:  # the engine's Chinese reason, naming the file
        table.errors.append(str(exc))
        return table
    services.ensure_metrics()
    metrics = _metric_lookup()
    header_at, columns = None, {}
    for r, row in enumerate(data[:20]):
        found = {c: metrics[_key(v)] for c, v in enumerate(row) if _key(v) in metrics}
        if found:
            header_at, columns = r, found
            break
        texts = [clean_text(v) for v in row if clean_text(v)]
        if len(texts) == 1 and not table.title:
            table.title = texts[0]
    if header_at is None:
        names = "、".join(Metric.objects.values_list("name", flat=True))
        table.errors.append(f"{file_label}：前 20 行中没有找到表头（应含 {names} 等列）")
        return table
    table.metrics = list(dict.fromkeys(columns.values()))
    label_col = min(columns) - 1
    header = data[header_at]
    for c in range(min(columns) - 1, -1, -1):
        if _key(header[c]) in ("地区", "单位", "组织", "地区/组织", "地区或组织", "县区", "责任单位", "名称"):
            label_col = c
            break
    if label_col < 0:
        table.errors.append(f"{file_label}第 {header_at + 1} 行：指标列左边应有一列写单位名称")
        return table
    candidates = list(
        UnionOrg.objects.filter(path__startswith=issuer.path).exclude(pk=issuer.pk).select_related("region")
    )
    sums = {m.code: 0 for m in table.metrics}
    seen: dict[int, int] = {}
    total_row = None
    for r in range(header_at + 1, min(len(data), header_at + 1 + MAX_ROWS)):
        row = data[r]
        label = clean_text(row[label_col]) if label_col < len(row) else ""
        if not label:
            if any(clean_text(v) for v in row):
                table.errors.append(f"{file_label}第 {r + 1} 行：单位名称为空")
            continue
        if compact(label) in TOTAL_LABELS:
            total_row = r
            for c, metric in columns.items():
                value = _number(
                    row[c] if c < len(row) else None, f"第 {r + 1} 行「{metric.name}」列", table.errors
                )
                if value is not None:
                    table.totals[metric.code] = value
            continue
        union = resolve_row(compact(label), issuer, candidates)
        if isinstance(union, str):
            table.errors.append(f"{file_label}第 {r + 1} 行：{union}")
            continue
        if union.pk in seen:
            table.errors.append(f"{file_label}第 {r + 1} 行：「{label}」与第 {seen[union.pk]} 行重复")
            continue
        seen[union.pk] = r + 1
        cells = {}
        for c, metric in columns.items():
            value = _number(
                row[c] if c < len(row) else None, f"第 {r + 1} 行「{metric.name}」列", table.errors
            )
            if value is not None:
                if value < 0:
                    table.errors.append(f"{file_label}第 {r + 1} 行「{metric.name}」列：目标不能为负数")
                cells[metric.code] = value
                sums[metric.code] += value
        table.rows.append((union, cells))
        table.labels.append(label)
    if not table.rows and not table.errors:
        table.errors.append(f"{file_label}：表头下面没有数据行")
    if total_row is not None and len(table.rows) == len(seen) and not table.errors:
        for metric in table.metrics:
            if metric.code in table.totals and table.totals[metric.code] != sums[metric.code]:
                table.errors.append(
                    f"{file_label}第 {total_row + 1} 行合计与各行之和不符：「{metric.name}」列合计为 "
                    f"{table.totals[metric.code]}，各行之和为 {sums[metric.code]}"
                )
    # 「其中」 columns are parts of their parent metric.
    by_code = {m.code: m for m in table.metrics}
    for (_union, cells), label in zip(table.rows, table.labels, strict=True):
        for code, value in cells.items():
            parent = by_code[code].parent
            if parent and parent.code in cells and value > cells[parent.code]:
                table.errors.append(
                    f"{file_label}「{label}」行：「{by_code[code].name}」{value} 大于「{parent.name}」{cells[parent.code]}"
                )
    return table


def import_plan(
    fileobj: IO[bytes] | str,
    *,
    issuer: UnionOrg,
    year: int,
    title: str = "",
    doc_number: str = "",
    issued_on: dt.date | None = None,
    actor=None,
    file_label: str = "文件",
    ip: str | None = None,
) -> tuple[TargetPlan, ParsedTable]:
    """Parse and save in one go; raises ImportRefused with every error if the sheet is not right."""
    table = parse(fileobj, issuer, file_label)
    if table.errors:
        raise ImportRefused(table.errors)
    title = title or table.title or f"{issuer.name}{year}年基层组织建设净增目标"
    plan = services.save_plan(
        issuer=issuer,
        year=year,
        title=title,
        rows=table.rows,
        doc_number=doc_number,
        issued_on=issued_on,
        actor=actor,
        ip=ip,
        source="导入",
    )
    return plan, table
