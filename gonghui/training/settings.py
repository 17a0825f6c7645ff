"""The run-time setting of the training records (core.console): how many years a cadre's last training
stays current."""

from __future__ import annotations

from gonghui.core import console
from gonghui.core.models import Setting

RETRAIN_YEARS = "training.cadre_retrain_years"

SPEC = console.SettingSpec(
    key=RETRAIN_YEARS,
    label="工会干部轮训周期",
    default=5,
    minimum=1,
    maximum=20,
    unit=" 年",
    group="教育培训",
    help="工会干部最近一次参加「计为工会干部轮训」的培训距今超过此年数（或从未参加）的，列为应轮训",
)


def register() -> None:
    console.register_setting(SPEC)


def retrain_years() -> int:
    stored = Setting.get(RETRAIN_YEARS)
    return int(stored) if isinstance(stored, int | float | str) and str(stored).isdigit() else SPEC.default
