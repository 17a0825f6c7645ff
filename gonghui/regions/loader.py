"""Read GB/T 2260 divisions from the table that python-stdnum ships for its resident-ID check.

The table (``stdnum/cn/loc.dat``) lists every code with the years each name was in force, e.g.
``0209 county="[2020-]弋江区"``. A division is current when one of its names has no end year.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import stdnum

_LINE = re.compile(r'^(\s*)(\d+) (province|county)="(.*)"$')
_SKIP_NAMES = {"市辖区", "市区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass
class Division:
    code: str
    name: str
    level: int  # 1 province, 2 city, 3 county
    parent_code: str | None


def _current_name(names: str) -> str | None:
    for part in names.split(","):
        if not part.startswith("["):
            return part
        span, name = part[1:].split("]", 1)
        _start, end = span.split("-")
        if not end:
            return name
    return None


def read_divisions(province: str | None = None) -> list[Division]:
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    province_code = ""
    raw: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        _indent, digits, kind, names = match.groups()
        if kind == "province":
            province_code = digits
            continue
        code = province_code + digits
        if province and not code.startswith(province):
            continue
        name = _current_name(names)
        if name:
            raw[code] = name
    divisions: list[Division] = []
    for code, name in sorted(raw.items()):
        if code.endswith("0000"):
            divisions.append(Division(code, name, 1, None))
        elif code.endswith("00"):
            if name not in _SKIP_NAMES:
                divisions.append(Division(code, name, 2, code[:2] + "0000"))
        elif name not in _SKIP_NAMES:
            city = code[:4] + "00"
            parent = city if city in raw and raw[city] not in _SKIP_NAMES else code[:2] + "0000"
            divisions.append(Division(code, name, 3, parent))
    return divisions


def provinces() -> list[tuple[str, str]]:
    """The current provincial-level divisions as (two-digit code, name), in code order: 11 北京市 … 82 澳门特别行政区."""
    return [(d.code[:2], d.name) for d in read_divisions() if d.level == 1]
