"""System checks of the settings core depends on (``manage.py check`` and every start refuse on errors)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

MIN_AUDIT_RETENTION_DAYS = 180  # GB/T 22239-2019 level 3 and the Cybersecurity Law: six months at least


def audit_retention_days() -> int:
    return int(settings.AUDIT_RETENTION_DAYS)


@register()
def audit_retention(app_configs, **kwargs) -> list[Error]:
    value = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    try:
        days = int(str(value))
    except (TypeError, ValueError):
        return [
            Error(
                f"审计日志保留天数 AUDIT_RETENTION_DAYS 必须是整数，当前为“{value}”。",
                hint="请在环境变量 GONGHUI_AUDIT_RETENTION_DAYS 中填写不少于 180 的天数。",
                id="core.E001",
            )
        ]
    if days < MIN_AUDIT_RETENTION_DAYS:
        return [
            Error(
                f"审计日志保留天数 AUDIT_RETENTION_DAYS 为 {days} 天，少于等保 2.0 要求的 "
                f"{MIN_AUDIT_RETENTION_DAYS} 天。",
                hint="请把环境变量 GONGHUI_AUDIT_RETENTION_DAYS 设为不少于 180 的天数。",
                id="core.E002",
            )
        ]
    if not getattr(settings, "AUDIT_ARCHIVE_KEY", ""):
        return [
            Error(
                "未配置审计日志归档签名密钥 AUDIT_ARCHIVE_KEY。",
                hint="请在环境变量 GONGHUI_AUDIT_ARCHIVE_KEY 中提供密钥。",
                id="core.E003",
            )
        ]
    return []
