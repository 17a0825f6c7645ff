"""Retention of at least 180 days (a system check refuses less) and archiving older audit rows to a signed
file that verification of the remaining chain starts from."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import timezone

from gonghui.core.checks import audit_retention
from gonghui.core.models import AuditArchive, AuditEvent
from tests.core.test_audit_chain import _trigger_off


def _event(days_ago: int, detail: str) -> AuditEvent:
    return AuditEvent.objects.create(
        username="t-wuhu",
        action=AuditEvent.Action.REVEAL,
        object_repr="张三",
        ip="10.0.0.7",
        detail=detail,
        at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "error_id"), [(179, "core.E002"), (30, "core.E002"), ("半年", "core.E001"), (180, None)]
)
def test_retention_shorter_than_180_days_is_refused_in_chinese(value, error_id):
    with override_settings(AUDIT_RETENTION_DAYS=value):
        errors = audit_retention(None)
        assert [e.id for e in errors] == ([error_id] if error_id else [])
        if error_id == "core.E002":
            assert f"为 {value} 天，少于等保 2.0 要求的 180 天" in errors[0].msg
            with pytest.raises(SystemCheckError, match="AUDIT_RETENTION_DAYS"):
                call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=180, AUDIT_ARCHIVE_KEY="归档测试密钥")
def test_archive_round_trip_signature_and_the_remaining_chain(tmp_path):
    old = [_event(400, "一年多以前"), _event(200, "半年多以前"), _event(181, "刚过保留期")]
    recent = [_event(179, "保留期内"), _event(0, "今天")]
    assert "已归档第" in _run("archive_audit_log", "--dir", str(tmp_path))

    archive = AuditArchive.objects.get()
    assert (archive.first_id, archive.last_id, archive.count) == (old[0].pk, old[-1].pk, 3)
    assert archive.last_hash == old[-1].hash
    remaining = list(AuditEvent.objects.order_by("pk"))
    assert [e.pk for e in remaining[:2]] == [e.pk for e in recent]
    assert "归档审计日志第" in remaining[2].detail  # the archiving itself is audited
    assert remaining[0].prev_hash == archive.last_hash
    assert "审计日志哈希链完整：共校验 3 条记录" in _run("verify_audit_chain")

    path = tmp_path / archive.file_name
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and "一年多以前" in lines[0] and "刚过保留期" in lines[2]
    assert "共 3 条记录" in _run("verify_audit_chain", "--archive", str(path))
    # A second run finds nothing older than the retention.
    assert "没有早于保留期的审计日志需要归档" in _run("archive_audit_log", "--dir", str(tmp_path))

    # An edited file fails its signature; a signature under another key fails too.
    path.write_text(path.read_text().replace("半年多以前", "从未发生"))
    with pytest.raises(CommandError, match="签名不符") as exc:
        _run("verify_audit_chain", "--archive", str(path))
    assert exc.value.returncode == 1
    with override_settings(AUDIT_ARCHIVE_KEY="别的密钥"):
        from gonghui.core.audit_archive import sign

        path.with_name(path.name + ".sig").write_text(sign(path.read_bytes()))
    with pytest.raises(CommandError, match="签名不符"):
        _run("verify_audit_chain", "--archive", str(path))


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=180, AUDIT_ARCHIVE_KEY="归档测试密钥")
def test_a_broken_chain_is_not_archived(tmp_path):
    first = _event(400, "一年多以前")
    _event(300, "十个月前")
    _trigger_off()
    AuditEvent.objects.filter(pk=first.pk).update(object_repr="李四")
    with pytest.raises(CommandError, match=r"被改动过.*拒绝归档"):
        _run("archive_audit_log", "--dir", str(tmp_path))
    assert AuditEvent.objects.count() == 2 and not AuditArchive.objects.exists()
    assert not list(tmp_path.iterdir())
