"""A ledger's columns: their labels, the names people give them, which are required; header matching.

Each importer declares its own columns (``Importer.columns``, e.g. ``gonghui.members.importer``); the
same specs drive header matching, the downloadable template and its 填写说明 sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    example: object = ""
    choices: tuple[str, ...] = ()  # fixed dropdown values for the template
    dynamic_choices: Callable[[], list[str]] | None = None  # a reference list read at run time
    text: bool = False  # the template formats the column as text (IDs, codes, phones)


YES_NO = ("是", "否")


class HeaderError(Exception):
    """The header makes the whole file unusable (missing required column, duplicate column)."""


def _norm(text: str) -> str:
    text = re.sub(r"[\s*＊:：]", "", str(text))
    return text.replace("(", "（").replace(")", "）")


@dataclass
class HeaderMap:
    index: dict[str, int] = field(default_factory=dict)  # column key → position in the row
    extra: list[str] = field(default_factory=list)  # headers no column claims (ignored, reported)


def match_header(
    header: list[str], columns: list[Column], optional: AbstractSet[str] = frozenset(), file_name: str = ""
) -> HeaderMap:
    """Find each column by its name or an alias, in any order. ``optional`` lifts ``required`` (a column
    that a default fills in)."""
    lookup: dict[str, Column] = {}
    for known in columns:
        for name in (known.label, *known.aliases):
            lookup.setdefault(_norm(name), known)
    result = HeaderMap()
    for position, raw in enumerate(header):
        text = _norm(raw)
        if not text:
            continue
        column = lookup.get(text)
        if column is None:
            result.extra.append(str(raw))
            continue
        if column.key in result.index:
            first = header[result.index[column.key]]
            raise HeaderError(
                f"文件「{file_name}」中「{first}」和「{raw}」都表示{column.label}，请只保留一列"
            )
        result.index[column.key] = position
    missing = [c.label for c in columns if c.required and c.key not in optional and c.key not in result.index]
    if missing:
        raise HeaderError(
            f"文件「{file_name}」缺少必填列：{'、'.join(missing)}（请使用模板中的列名，整个文件未导入）"
        )
    return result
