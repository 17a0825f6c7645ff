"""The overlapped member import (issue 18): on PostgreSQL a confirmed import validates batch n+1 in a
producer thread while batch n is COPYed, all in one transaction. These tests commit for real (a second
connection sees only committed data), with batches of three rows so that a file has several."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection

from gonghui.imports.jobs import run_job
from gonghui.imports.models import ImportJob, ImportRowError
from gonghui.imports.services import create_job
from gonghui.members import bulk
from gonghui.members.importer import MemberImporter
from gonghui.members.models import EventKind, Member, MembershipEvent
from tests.factories import build_registry, make_id
from tests.imports.helpers import MEMBER_HEADER, write_csv
from tests.imports.test_dead_jobs import _import_child, _kill, _ledger, _wait

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNION = "鸠江乙公司工会委员会"
DIGITS = "零一二三四五六七八九"


def name(i: int) -> str:
    return "叠" + DIGITS[i // 10] + DIGITS[i % 10]


@pytest.fixture
def registry(on_postgres, monkeypatch):
    monkeypatch.setattr(MemberImporter, "batch_rows", 3)
    return build_registry()


def ledger(tmp_path, count: int, bad: dict[int, list] | None = None):
    rows = [
        [
            name(i),
            make_id("340207", dt.date(1990, 1, 1) + dt.timedelta(days=i), 300 + i),
            "",
            UNION,
            "2023-05-01",
            "否",
            "",
        ]
        for i in range(count)
    ]
    for index, replacement in (bad or {}).items():
        rows[index] = replacement
    return write_csv(tmp_path / "overlap.csv", MEMBER_HEADER, rows)


def run(registry, path, skip_invalid=False, dry_run=False):
    job = create_job(registry.users["jiujiang"], "members", path, path.name)
    job.skip_invalid = skip_invalid
    job.save()
    result = run_job(job, dry_run=dry_run)
    job.refresh_from_db()
    return job, result


def written() -> int:
    return Member.objects.filter(name__startswith="叠").count()


@pytest.fixture
def copies(monkeypatch):
    """How many batches reached COPY."""
    calls = []
    original = bulk.write_copied

    def counting(*args, **kwargs):
        calls.append(len(kwargs["numbers"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(bulk, "write_copied", counting)
    return calls


def test_batches_are_copied_while_the_next_is_validated(registry, tmp_path, copies):
    job, result = run(registry, ledger(tmp_path, 10))
    assert job.status == ImportJob.Status.DONE and result.committed
    assert copies == [3, 3, 3, 1]  # four batches, each through COPY
    assert "copy_wait" in result.timings  # the overlapped path, not validate-then-write
    members = Member.objects.filter(name__startswith="叠")
    assert members.count() == 10 and result.created == 10
    assert MembershipEvent.objects.filter(member__in=members, kind=EventKind.JOIN).count() == 10
    assert {m.union.name for m in members} == {UNION}


def test_an_error_in_the_last_batch_leaves_nothing_written(registry, tmp_path, copies):
    bad = {9: ["叠错", "340207199202020000", "", UNION, "2023-05-01", "否", ""]}  # a bad check digit
    job, _ = run(registry, ledger(tmp_path, 10, bad))
    assert copies == [3, 3, 3]  # three batches were copied before the error was found …
    assert written() == 0  # … and rolled back with the rest
    assert MembershipEvent.objects.filter(note=bulk.IMPORT_NOTE).count() == 0
    assert job.status == ImportJob.Status.REFUSED and not job.committed
    assert (job.created, job.errors) == (9, 1)
    assert list(ImportRowError.objects.filter(job=job).values_list("row", "column")) == [(11, "身份证号")]


def test_an_error_found_late_still_reports_every_row(registry, tmp_path, copies):
    bad = {
        4: ["叠错甲", "340207199202020000", "", UNION, "2023-05-01", "否", ""],
        8: ["叠错乙", make_id("340207", dt.date(1991, 1, 1), 1), "", "不存在的工会", "2023-05-01", "否", ""],
    }
    job, _ = run(registry, ledger(tmp_path, 10, bad))
    assert copies == [3]  # writing stops at the first error; validation goes on to the end
    assert written() == 0 and job.status == ImportJob.Status.REFUSED
    assert sorted(ImportRowError.objects.filter(job=job).values_list("row", flat=True)) == [6, 10]


def test_a_duplicate_of_a_row_already_copied_is_taken_back_when_skipping_errors(registry, tmp_path, copies):
    people = ledger(tmp_path, 8)
    lines = people.read_text(encoding="utf-8").splitlines()
    first_id = lines[1].split(",")[1]  # row 0, copied with the first batch
    lines[8] = lines[8].replace(lines[8].split(",")[1], first_id)  # row 7 (third batch): the same person
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    job, result = run(registry, people, skip_invalid=True)
    assert job.status == ImportJob.Status.DONE and result.committed
    assert copies == [3, 3, 1]  # row 0 went out with the first batch
    assert not Member.objects.filter(name__in=[name(0), name(7)]).exists()  # both rows of the pair left out
    assert written() == 6 and (result.created, result.errors) == (6, 2)
    assert MembershipEvent.objects.filter(note=bulk.IMPORT_NOTE).count() == 6
    assert sorted(ImportRowError.objects.filter(job=job).values_list("row", flat=True)) == [2, 9]


def test_a_copy_failing_midway_leaves_nothing(registry, tmp_path, monkeypatch):
    original = bulk.copy_events
    calls = []

    def fail_second(cursor, text):
        calls.append(text)
        if len(calls) == 2:
            raise RuntimeError("模拟写入中途失败")
        return original(cursor, text)

    monkeypatch.setattr(bulk, "copy_events", fail_second)
    with pytest.raises(RuntimeError, match="模拟写入中途失败"):
        run(registry, ledger(tmp_path, 10))
    assert written() == 0 and MembershipEvent.objects.filter(note=bulk.IMPORT_NOTE).count() == 0
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.FAILED and "未做任何改动" in job.message


def test_validation_failing_midway_leaves_nothing(registry, tmp_path, monkeypatch, copies):
    original = MemberImporter.against_database
    calls = []

    def fail_third(self, rows, result):
        calls.append(rows)
        if len(calls) == 3:
            raise ValueError("模拟校验线程出错")
        return original(self, rows, result)

    monkeypatch.setattr(MemberImporter, "against_database", fail_third)
    with pytest.raises(ValueError, match="模拟校验线程出错"):  # raised again in the job's own thread
        run(registry, ledger(tmp_path, 10))
    assert copies  # a batch was copied before the producer failed
    assert written() == 0
    assert ImportJob.objects.latest("pk").status == ImportJob.Status.FAILED


def test_a_lost_connection_during_copy_is_reported_as_one(registry, tmp_path, monkeypatch):
    def lost(cursor, text):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(bulk, "copy_members", lost)
    with pytest.raises(psycopg.OperationalError):
        run(registry, ledger(tmp_path, 7))
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.FAILED
    assert "数据库连接中断" in job.message and "数据库未做任何改动" in job.message
    assert written() == 0


def test_the_preview_validates_every_batch_and_writes_nothing(registry, tmp_path, copies):
    job, result = run(registry, ledger(tmp_path, 10), dry_run=True)
    assert job.status == ImportJob.Status.PREVIEWED and (result.created, result.errors) == (10, 0)
    assert copies == [] and written() == 0


def _copying_backend() -> int | None:
    """The server process of another connection that is writing with COPY inside its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_xid IS NOT NULL AND query LIKE 'COPY%%'"
        )
        found = cursor.fetchone()
    return found[0] if found else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_an_import_killed_while_copying_leaves_nothing(on_postgres, tmp_path):
    """The real thing: ``import_members`` in a child process (batches of 10,000 rows) is killed with
    SIGKILL once its transaction has copied rows; the server rolls the transaction back."""
    build_registry()
    path = _ledger(tmp_path / "复制中终止.csv", 100_000)
    members, events = Member.objects.count(), MembershipEvent.objects.count()
    with _import_child(path, tmp_path) as child:
        backend = _wait(_copying_backend, 120, "子进程开始 COPY")
        _kill(child)
    _wait(lambda: not _backend_alive(backend), 60, "数据库结束被终止进程的会话")
    assert (Member.objects.count(), MembershipEvent.objects.count()) == (members, events)
