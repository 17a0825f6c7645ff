"""A 200,000-row member import while the primary dies (issue 17 point 3): the job ends 失败 with a Chinese
reason, the promoted standby holds none of its rows, the same worker process — reconnected by itself —
runs the retry to completion."""

from __future__ import annotations

import datetime as dt
import signal
import time

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from gonghui.core import failover
from gonghui.imports.models import ImportJob
from gonghui.imports.services import create_job, enqueue_job, retry_job
from gonghui.members.models import Member
from tests.factories import make_id
from tests.imports.helpers import MEMBER_HEADER, write_csv

from . import nodes
from .worker import start_worker, write_prober

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
ROWS = 200_000
UNION = "鸠江乙公司工会委员会"


def _ledger(path, n: int):
    start = dt.date(1960, 1, 1)
    rows = [
        [f"切换{chr(0x4E00 + i % 5000)}", make_id("340207", start + dt.timedelta(days=i // 500), i % 500 * 2 + 1),
         "", UNION, "2023-05-01", "否", ""]
        for i in range(n)
    ]  # fmt: skip
    return write_csv(path, MEMBER_HEADER, rows)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = failover.retry_after_failover(predicate, within=max(deadline - time.monotonic(), 0))
        except (OperationalError, InterfaceError):  # still switching over: ask again
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"等待超时：{what}")


def test_import_killed_by_a_failover_fails_cleanly_and_the_retry_completes(registry, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = _ledger(tmp_path / "切换台账.csv", ROWS)
    before = Member.objects.count()
    job = create_job(registry.users["jiujiang"], "members", path, path.name, None)
    # As confirm_job does after the preview (no row errors in this ledger): queued for the real import.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, confirmed_at=timezone.now())
    job.refresh_from_db()
    worker = start_worker(tmp_path)
    prober = None
    try:
        enqueue_job(job)
        # The overlapped import (issue 18) copies batch n while it validates batch n+1, all in one
        # transaction; its progress row (written by the validating thread, outside that transaction) says
        # "校验并写入数据". Past three of its twenty batches, the transaction has rows in it and most to come.
        _wait(
            lambda: ImportJob.objects.filter(pk=job.pk, stage="校验并写入数据", progress__gte=17).exists(),
            300,
            "导入进入写入阶段",
        )
        old_primary = nodes.primary()
        nodes.kill_node(old_primary)
        killed = time.monotonic()
        prober = write_prober(old_primary)

        failed = _wait(
            lambda: ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.RUNNING).first(),
            120,
            "导入任务结束（不应停在运行中）",
        )
        failed_after = time.monotonic() - killed
        assert failed.status == ImportJob.Status.FAILED, (failed.status, failed.message)
        assert "数据库连接中断" in failed.message and "数据库未做任何改动" in failed.message, failed.message
        assert "可重试" in failed.message
        assert nodes.primary() != old_primary, "备库应已提升为主库"
        assert _wait(lambda: Member.objects.count() + 1, 60, "新主库可读") - 1 == before  # none of its rows
        _wait(lambda: prober.seconds(), 120, "新主库接受写入")
        kill_to_write = prober.seconds()

        nodes.restore()  # the old primary rejoins as the standby (synchronous again for the retry)
        retried = retry_job(ImportJob.objects.get(pk=job.pk))
        enqueue_job(retried)
        done = _wait(
            lambda: ImportJob.objects.filter(pk=job.pk, status__in=("done", "failed", "refused")).first(),
            400,
            "重试完成",
        )
        assert done.status == ImportJob.Status.DONE, done.message
        assert done.created == ROWS and done.committed
        assert Member.objects.count() == before + ROWS
        assert worker.poll() is None, "后台任务进程应自行重连，不应退出"
        nodes.FIGURES.append(
            f"[导入中故障切换] {ROWS:,} 行导入：杀死主库 → 任务标记失败 {failed_after:.1f} 秒；"
            f"杀死主库 → 首次写入成功 {kill_to_write:.1f} 秒；重试完成"
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except Exception:
            worker.kill()
        print((tmp_path / "worker.log").read_text(errors="replace")[-3000:])
        if nodes.in_recovery("node1") is None or nodes.in_recovery("node2") is None:
            nodes.restore()  # the killed node rejoins, also when an assertion above failed
