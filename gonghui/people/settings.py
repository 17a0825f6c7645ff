"""The run-time settings of the union-staff register (core.console): the cap on the top appraisal grade
and the three staffing thresholds."""

from __future__ import annotations

from gonghui.core import console
from gonghui.core.models import Setting

TOP_SHARE = "people.top_grade_share"
WORKPLACE_EMPLOYEES = "people.cadre_workplace_employees"
TOWNSHIP_ENTERPRISES = "people.cadre_township_enterprises"
TOWNSHIP_WORKERS = "people.cadre_township_workers"

GROUP = "工会工作者"
SPECS = [
    console.SettingSpec(
        key=TOP_SHARE,
        label="工会工作者考核最高等次比例上限",
        default=20,
        minimum=0,
        maximum=100,
        unit=" %",
        group=GROUP,
        per_union=True,
        help="每个考核工会每年评为「优秀」（最高等次）的人数不超过参加考核人数的该比例（向下取整）",
    ),
    console.SettingSpec(
        key=WORKPLACE_EMPLOYEES,
        label="须配专职工会干部的单位职工人数",
        default=200,
        minimum=1,
        maximum=100000,
        unit=" 人",
        group=GROUP,
        help="基层工会覆盖单位职工人数达到此数的，应配备专职工会干部",
    ),
    console.SettingSpec(
        key=TOWNSHIP_ENTERPRISES,
        label="须配专职工会干部的乡镇（街道）、园区企业数",
        default=100,
        minimum=1,
        maximum=100000,
        unit=" 家",
        group=GROUP,
        help="乡镇（街道）、开发区（园区）工会属地企业达到此数的，至少配备 1 名专职工会干部",
    ),
    console.SettingSpec(
        key=TOWNSHIP_WORKERS,
        label="须配专职工会干部的乡镇（街道）、园区职工人数",
        default=2000,
        minimum=1,
        maximum=10000000,
        unit=" 人",
        group=GROUP,
        help="乡镇（街道）、开发区（园区）属地职工达到此数的，至少配备 1 名专职工会干部",
    ),
]
_BY_KEY = {spec.key: spec for spec in SPECS}


def register() -> None:
    for spec in SPECS:
        console.register_setting(spec)


def value(key: str) -> int:
    """The global value of a setting, else its default."""
    stored = Setting.get(key)
    return (
        int(stored)
        if isinstance(stored, int | float | str) and str(stored).isdigit()
        else _BY_KEY[key].default
    )


def top_share(union) -> int:
    """The cap (percent) for an appraising union: its own or its nearest ancestor's value, else the global
    value, else the default (the same rule as joining's deadlines)."""
    chain = [union.pk] + [int(seg) for seg in union.path.strip("/").split("/")[:-1][::-1] if seg]
    keys = [f"{TOP_SHARE}.{pk}" for pk in chain]
    found = {row.key: row.value for row in Setting.objects.filter(key__in=[*keys, TOP_SHARE])}
    for key in [*keys, TOP_SHARE]:
        if key in found:
            return int(found[key])
    return _BY_KEY[TOP_SHARE].default
