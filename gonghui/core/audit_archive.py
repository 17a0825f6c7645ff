"""Moving old audit rows to a signed file, and checking such a file later.

The file holds one JSON object per row (JSON lines, oldest first, every column including ``prev_hash`` and
``hash``); next to it ``<file>.sig`` holds the HMAC-SHA256 of the file's bytes under
``settings.AUDIT_ARCHIVE_KEY``. The rows are deleted in the same transaction that records an
``AuditArchive`` (first/last id, count, the last row's hash, the file's SHA-256 and signature), so the
chain of the remaining rows starts from that hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from . import audit
from .checks import audit_retention_days
from .hashchain import _ip_text, lock_chain
from .models import AuditArchive, AuditEvent, chain_start

COLUMNS = (
    *("id", "at", "user_id", "username", "action", "object_type", "object_id", "object_repr", "ip"),
    *("detail", "prev_hash", "hash"),
)


class ArchiveError(Exception):
    """Why an archive could not be made or does not check out (in Chinese)."""


def sign(data: bytes) -> str:
    return hmac.new(settings.AUDIT_ARCHIVE_KEY.encode(), data, hashlib.sha256).hexdigest()


def _line(event: AuditEvent) -> str:
    row = {c: getattr(event, c) for c in COLUMNS}
    row["at"] = event.at.astimezone(dt.UTC).isoformat()
    row["ip"] = _ip_text(event.ip) or None
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


@dataclass
class Archived:
    archive: AuditArchive | None
    path: Path | None


def archive_old_rows(directory: Path | None = None, now: dt.datetime | None = None) -> Archived:
    """Archive every row older than the retention (the oldest prefix of the chain). Refuses when that
    part of the chain is broken: archiving would destroy the evidence."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=audit_retention_days())
    directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
    with audit.archive_session():
        lock_chain()  # no writer chains to a row while it leaves the table
        keep = AuditEvent.objects.filter(at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
        rows = AuditEvent.objects.order_by("pk")
        if keep is not None:
            rows = rows.filter(pk__lt=keep)
        events = list(rows)
        if not events:
            return Archived(None, None)
        brk = next(audit.walk(events, chain_start()), None)
        if brk is not None:
            raise ArchiveError(f"{brk.message()}。链已损坏，拒绝归档，请先调查。")
        first, last = events[0], events[-1]
        data = "".join(_line(e) + "\n" for e in events).encode()
        directory.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        path = directory / f"audit-{stamp}-{first.pk}-{last.pk}.jsonl"
        signature = sign(data)
        path.write_bytes(data)
        path.with_name(path.name + ".sig").write_text(signature + "\n")
        AuditEvent.objects.filter(pk__lte=last.pk).delete()
        archive = AuditArchive.objects.create(
            first_id=first.pk,
            last_id=last.pk,
            count=len(events),
            last_hash=last.hash,
            file_name=path.name,
            file_sha256=hashlib.sha256(data).hexdigest(),
            signature=signature,
        )
    audit.log(
        AuditEvent.Action.OTHER,
        archive,
        detail=f"归档审计日志第 {first.pk}–{last.pk} 条（共 {len(events)} 条，早于 {cutoff:%Y-%m-%d}）",
    )
    return Archived(archive, path)


def verify_archive(path: Path) -> int:
    """Check a file's signature, its inner chain and its record; the number of rows, or ArchiveError."""
    path = Path(path)
    data = path.read_bytes()
    sig_path = path.with_name(path.name + ".sig")
    if not sig_path.exists():
        raise ArchiveError(f"找不到签名文件 {sig_path.name}。")
    if not hmac.compare_digest(sig_path.read_text().strip(), sign(data)):
        raise ArchiveError(f"归档文件 {path.name} 的签名不符：文件或签名被改动，或签名密钥不同。")
    record = AuditArchive.objects.filter(file_name=path.name).first()
    if record is None:
        raise ArchiveError(f"数据库中没有归档文件 {path.name} 的归档记录。")
    if record.file_sha256 != hashlib.sha256(data).hexdigest():
        raise ArchiveError(f"归档文件 {path.name} 的 SHA-256 与归档记录不符。")
    rows = []
    for line in data.decode().splitlines():
        row = json.loads(line)
        row["at"] = dt.datetime.fromisoformat(row["at"])
        rows.append(SimpleNamespace(pk=row["id"], **row))
    previous = AuditArchive.objects.filter(last_id__lt=record.first_id).order_by("-last_id").first()
    brk = next(audit.walk(rows, previous.last_hash if previous else ""), None)
    if brk is not None:
        raise ArchiveError(f"归档文件 {path.name} 中：{brk.message()}")
    if not rows or rows[-1].hash != record.last_hash or len(rows) != record.count:
        raise ArchiveError(f"归档文件 {path.name} 的末条哈希或条数与归档记录不符。")
    return len(rows)
