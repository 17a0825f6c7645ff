"""A job whose process died is marked 失败 within a minute and can be retried (issue 9 point 8).

The real thing first: an import command run as a subprocess is killed with SIGKILL while it runs; its
heartbeat stops, the reaper (driven directly, with a short stale threshold) marks the job failed, and
``retry_import`` runs it again from the stored upload. Then the web side: the pages reap before they
show a job, a 重试 button re-queues it, a queued job whose background task is gone is failed too."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.imports.jobs import DIED_MESSAGE, reap_stale_jobs, run_job
from gonghui.imports.models import ImportJob
from gonghui.imports.services import create_job, enqueue_job
from gonghui.members.models import Member
from tests.factories import PASSWORD, make_id
from tests.imports.helpers import MEMBER_HEADER, write_csv, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BASE = Path(__file__).resolve().parents[2]
UNION = "鸠江乙公司工会委员会"


def _ledger(path: Path, n: int) -> Path:
    start = dt.date(1960, 1, 1)
    rows = []
    for i in range(n):
        number = make_id("340207", start + dt.timedelta(days=i // 500), i % 500 * 2 + 1)
        rows.append([f"心跳{chr(0x4E00 + i % 5000)}", number, "", UNION, "2023-05-01", "否", ""])
    return write_csv(path, MEMBER_HEADER, rows)


def _subprocess_env(tmp_path: Path) -> dict:
    """The command in a child process, on this test's database, with this process's keys and media."""
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DATABASE_URL": url,
        "GONGHUI_VAR_DIR": str(tmp_path),  # MEDIA_ROOT = tmp_path / "media", as the media fixture sets
        "GONGHUI_SECRET_KEY": django_settings.SECRET_KEY,
        "GONGHUI_FIELD_KEYS": ",".join(django_settings.FIELD_ENCRYPTION_KEYS),
        "GONGHUI_HASH_KEY": django_settings.LOOKUP_HASH_KEY,
        "GONGHUI_AUDIT_ARCHIVE_KEY": django_settings.AUDIT_ARCHIVE_KEY,
        "GONGHUI_IMPORT_HEARTBEAT_SECONDS": "0.2",
        "RUST_BACKTRACE": "0",
    }


@contextlib.contextmanager
def _import_child(path: Path, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """``import_members`` of ``path`` in a child process on this test's database; SIGKILLed on the way out
    if still running."""
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_members", str(path), "--user", "t-jiujiang", "--json"],
        cwd=BASE,
        env=_subprocess_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)


def _kill(child: subprocess.Popen) -> None:
    """SIGKILL the import midway (it must not have finished: a ledger too small proves nothing)."""
    assert child.poll() is None, "子进程在被终止前已结束：台账太小"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"等待超时：{what}")


@pytest.mark.django_db(transaction=True)
def test_killed_command_is_failed_within_a_minute_and_retried_from_the_cli(
    on_postgres, registry, tmp_path, settings, capsys
):
    path = _ledger(tmp_path / "心跳台账.csv", 150_000)
    members = Member.objects.count()
    with _import_child(path, tmp_path) as child:
        job = _wait(
            lambda: (
                ImportJob.objects.filter(file_name=path.name, status=ImportJob.Status.RUNNING)
                .exclude(heartbeat_at=None)
                .first()
            ),
            60,
            "子进程开始导入",
        )
        first_beat = job.heartbeat_at
        # The heartbeat thread beats while the main thread reads and validates.
        _wait(
            lambda: ImportJob.objects.get(pk=job.pk).heartbeat_at > first_beat + dt.timedelta(seconds=0.3),
            30,
            "心跳更新",
        )
        _kill(child)
    killed = time.monotonic()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # nobody told the database: that is the problem

    settings.IMPORT_STALE_SECONDS = 2
    assert reap_stale_jobs() == []  # a fresh heartbeat: a live job is never reaped
    _wait(lambda: reap_stale_jobs() == [job.pk], 30, "标记为失败")
    assert time.monotonic() - killed < 60
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "导入进程意外终止" in job.message and "重试" in job.message
    assert Member.objects.count() == members  # the transaction died with the process

    with pytest.raises(SystemExit) as exited:
        call_command("retry_import", str(job.pk), "--user", "t-jiujiang", "--json")
        raise SystemExit(0)
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err[-500:]
    assert json.loads(out.splitlines()[-1]) == {
        "rows": 150_000, "created": 150_000, "updated": 0, "skipped": 0, "errors": 0, "committed": True,
    }  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.retries == 1 and job.committed
    assert Member.objects.count() == members + 150_000


def test_usage_errors_print_a_json_last_line_from_the_real_command_line(tmp_path):
    """argparse's own exits (missing argument, unknown option, a non-integer) too, in Chinese."""
    for args, reason in (
        ([], "缺少必填参数：file"),
        (["x.csv", "--frobnicate"], "无法识别的参数：--frobnicate"),
        (["x.csv", "--union", "abc"], "参数 --union 应为整数，而不是「abc」"),
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", "import_members", *args, "--json"],
            cwd=BASE,
            env={**os.environ, "GONGHUI_VAR_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        payload = json.loads(done.stdout.strip().splitlines()[-1])
        assert payload == {"error": f"命令参数有误：{reason}", "committed": False}
        assert "Traceback" not in done.stderr and reason in done.stderr
    done = subprocess.run(
        [sys.executable, "manage.py", "import_members", "--help", "--json"],
        cwd=BASE,
        env={**os.environ, "GONGHUI_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--skip-invalid" in done.stdout
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"help": True, "committed": False}


# ---------------------------------------------------------------- the pages
def _job(registry, tmp_path, **fields) -> ImportJob:
    path = write_xlsx(tmp_path / "死任务.xlsx", MEMBER_HEADER, [["死而复生", make_id("340207"), "", UNION,
                                                                 "2023-05-01", "否", ""]])  # fmt: skip
    job = create_job(registry.users["jiujiang"], "members", path, path.name)
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


@override_settings(TASKS=IMMEDIATE)
def test_the_job_page_fails_a_dead_job_and_its_retry_button_runs_it_again(
    registry, client, tmp_path, settings
):
    settings.IMPORT_STALE_SECONDS = 30
    stale = timezone.now() - dt.timedelta(seconds=31)
    preview = _job(registry, tmp_path, status=ImportJob.Status.RUNNING, heartbeat_at=stale, stage="校验数据")
    confirmed = _job(
        registry, tmp_path, status=ImportJob.Status.RUNNING, heartbeat_at=stale, confirmed_at=stale
    )
    alive = _job(registry, tmp_path, status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now())
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)

    page = client.get(preview.get_absolute_url()).content.decode()
    assert DIED_MESSAGE.format(seconds=30) in page and 'id="retry-button"' in page
    assert ImportJob.objects.get(pk=confirmed.pk).status == ImportJob.Status.FAILED
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJob.Status.RUNNING
    assert "失败" in client.get(reverse("imports:job-list")).content.decode()

    client.post(reverse("imports:job-retry", args=[preview.pk]))
    preview.refresh_from_db()
    assert preview.status == ImportJob.Status.PREVIEWED and preview.retries == 1 and not preview.committed
    client.post(reverse("imports:job-retry", args=[confirmed.pk]))
    confirmed.refresh_from_db()
    assert confirmed.status == ImportJob.Status.DONE and confirmed.committed  # the import it failed in
    assert Member.objects.filter(name="死而复生").count() == 1
    assert AuditEvent.objects.filter(object_id=str(confirmed.pk), detail__contains="重试导入").exists()
    assert "重试次数" in client.get(confirmed.get_absolute_url()).content.decode()
    # Only a failed job can be retried.
    client.post(reverse("imports:job-retry", args=[confirmed.pk]))
    assert ImportJob.objects.get(pk=confirmed.pk).retries == 1


@override_settings(TASKS=IMMEDIATE)
def test_a_file_refused_as_a_whole_offers_no_retry(registry, client, tmp_path, capsys):
    path = tmp_path / "坏.csv"
    path.write_bytes(b'\xe5\xa7\x93\xe5\x90\x8d,x\n"unterminated\n')
    job = create_job(registry.users["jiujiang"], "members", path, path.name)
    run_job(job, dry_run=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "引号没有配对" in job.message
    assert client.login(username=registry.users["jiujiang"].username, password=PASSWORD)
    assert 'id="retry-button"' not in client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("imports:job-retry", args=[job.pk]))
    with pytest.raises(CommandError, match="重试不会有不同结果"):
        call_command("retry_import", str(job.pk), "--user", "t-jiujiang")
    assert ImportJob.objects.get(pk=job.pk).retries == 0


def test_a_readonly_user_or_another_county_cannot_retry(registry, client, tmp_path):
    job = _job(registry, tmp_path, status=ImportJob.Status.FAILED, message="导入进程意外终止")
    assert client.login(username=registry.users["viewer"].username, password=PASSWORD)
    assert client.post(reverse("imports:job-retry", args=[job.pk])).status_code == 403
    client.logout()
    assert client.login(username=registry.users["jinghu"].username, password=PASSWORD)
    assert client.post(reverse("imports:job-retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.retries == 0


def test_a_queued_job_whose_background_task_ended_is_failed(registry, tmp_path, settings):
    from django_tasks_db.models import DBTaskResult

    settings.IMPORT_STALE_SECONDS = 30
    job = _job(registry, tmp_path, status=ImportJob.Status.QUEUED)
    enqueue_job(job)  # the database backend: the task waits for a worker
    job.refresh_from_db()
    assert job.task_id
    waiting = timezone.now() - dt.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=waiting)
    assert reap_stale_jobs() == []  # still waiting in the queue: a backlog is not a death
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")  # the worker took it and died
    assert reap_stale_jobs() == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED


def test_reap_command_prints_json(registry, tmp_path, capsys, settings):
    settings.IMPORT_STALE_SECONDS = 30
    job = _job(
        registry,
        tmp_path,
        status=ImportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    call_command("reap_import_jobs", "--json")
    out, err = capsys.readouterr()
    assert json.loads(out.splitlines()[-1]) == {"failed": [job.pk]} and "标记为失败" in err


def test_the_worker_checks_for_dead_jobs_on_a_schedule_while_imports_run(registry, tmp_path, settings):
    """Queuing a job leaves one 「reap dead imports」 task waiting, due in IMPORT_REAP_SECONDS; when it runs
    it fails the dead jobs and schedules the next check, until no import is active."""
    from django_tasks_db.models import DBTaskResult

    from gonghui.imports import tasks

    settings.IMPORT_STALE_SECONDS = 30
    path = tasks.reap_dead_imports.module_path
    waiting = DBTaskResult.objects.filter(task_path=path, status="READY")
    job = _job(registry, tmp_path, status=ImportJob.Status.QUEUED)
    enqueue_job(job)
    enqueue_job(_job(registry, tmp_path, status=ImportJob.Status.QUEUED))
    assert waiting.count() == 1  # one check waiting, not one per job
    due = waiting.get().run_after
    assert 0 < (due - timezone.now()).total_seconds() <= settings.IMPORT_REAP_SECONDS
    # The worker took the job and died.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=1)
    )
    waiting.update(status="SUCCESSFUL")  # as if the worker had run the check just now
    assert tasks.reap_dead_imports.call() == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED
    assert waiting.count() == 1  # the other job is still queued: the next check is scheduled
    ImportJob.objects.update(status=ImportJob.Status.FAILED)
    waiting.update(status="SUCCESSFUL")
    tasks.reap_dead_imports.call()
    assert waiting.count() == 0  # nothing active: the checks stop


def test_a_failure_after_the_commit_does_not_claim_nothing_was_written(registry, tmp_path, monkeypatch):
    from gonghui.imports import jobs

    def broken_report(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(jobs, "write_report", broken_report)
    path = write_xlsx(
        tmp_path / "报告失败.xlsx",
        MEMBER_HEADER,
        [["写入后失败", make_id("340207", dt.date(1993, 3, 3), 5), "", UNION, "2023-05-01", "否", ""],
         ["坏号", "340207199303030000", "", UNION, "2023-05-01", "否", ""]],
    )  # fmt: skip
    job = create_job(registry.users["jiujiang"], "members", path, path.name)
    ImportJob.objects.filter(pk=job.pk).update(skip_invalid=True)
    job.refresh_from_db()
    with pytest.raises(OSError):
        run_job(job, dry_run=False)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "数据已写入" in job.message
    assert "未做任何改动" not in job.message and Member.objects.filter(name="写入后失败").exists()
