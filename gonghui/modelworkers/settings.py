"""The run-time setting of the register (core.console): how many municipal innovation studios a year the
federation names (10), the figure the studio list sets the year's count against."""

from __future__ import annotations

from gonghui.core import console
from gonghui.core.models import Setting

CITY_STUDIOS_PER_YEAR = "modelworkers.city_studios_per_year"

SPEC = console.SettingSpec(
    key=CITY_STUDIOS_PER_YEAR,
    label="每年新命名市级劳模工匠创新工作室计划数",
    default=10,
    minimum=0,
    maximum=1000,
    unit=" 个",
    group="劳模工匠",
    help="工作室列表页以此对照当年新命名的市级工作室数",
)


def register() -> None:
    console.register_setting(SPEC)


def studio_target() -> int:
    stored = Setting.get(CITY_STUDIOS_PER_YEAR)
    return int(stored) if isinstance(stored, int | float | str) and str(stored).isdigit() else SPEC.default
