"""The audit log is tamper-evident: a hash chain every writer extends, a command that finds the first
changed, deleted or inserted row, and on PostgreSQL a trigger that refuses UPDATE and DELETE."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.models import AuditEvent


def _three_events():
    return [audit.log(AuditEvent.Action.OTHER, detail=f"第{i}件事", ip="10.0.0.1") for i in range(3)]


def _verify() -> str:
    """The command's failure message (it exits 1), or "" when the chain holds."""
    try:
        call_command("verify_audit_chain", stdout=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 1
        return str(exc)
    return ""


def _trigger_off():
    """Tests that forge an edit on PostgreSQL turn the trigger off inside their own transaction (rolled back
    with the test), as someone owning the table could."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks on the table
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER gonghui_audit_append_only")


@pytest.mark.django_db
def test_each_row_chains_to_the_previous_one_and_the_command_accepts_it(capsys):
    first, second, third = _three_events()
    assert first.prev_hash == "" and second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    # The stored row hashes the same way again (timestamp and address as the database returns them).
    for event in AuditEvent.objects.all():
        assert event.hash == audit.chain_hash(event.prev_hash, event)
    call_command("verify_audit_chain")
    assert "审计日志哈希链完整：共校验 3 条记录" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_edited_row_is_reported_by_position_in_chinese():
    _, second, _ = _three_events()
    _trigger_off()
    AuditEvent.objects.filter(pk=second.pk).update(detail="改过的说明")
    message = _verify()
    assert f"第 2 条（编号 {second.pk}" in message and "记录内容与其哈希不符，该条记录被改动过" in message


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_link_of_the_next_one():
    _, second, third = _three_events()
    with audit.archive_session():
        AuditEvent.objects.filter(pk=second.pk).delete()
    message = _verify()
    assert f"编号 {third.pk}" in message and "有记录被删除或插入" in message


@pytest.mark.django_db
def test_rows_made_by_create_are_chained_too():
    _three_events()
    AuditEvent.objects.create(username="x", action=AuditEvent.Action.OTHER, detail="直接写入")
    assert _verify() == ""


def test_update_and_delete_are_refused_on_postgres(on_postgres):
    event = _three_events()[1]
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="改过的说明"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.detail == "第1件事" and AuditEvent.objects.count() == 3
    # Setting the flag without being the archive session is the only way in: a plain session is refused
    # even as the table's own raw SQL.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 3
    assert _verify() == ""


def test_deleting_a_user_keeps_their_audit_rows_and_the_chain(on_postgres):
    user = User.objects.create_user("t-gone", password="x")
    audit.log(AuditEvent.Action.OTHER, actor=user, detail="离职前的操作")
    user.delete()  # the foreign key's SET NULL is the one UPDATE the trigger lets through
    event = AuditEvent.objects.get(detail="离职前的操作")
    assert event.user_id is None and event.username == "t-gone"
    assert _verify() == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(on_postgres):
    def write(n):
        try:
            for i in range(20):
                audit.log(AuditEvent.Action.OTHER, detail=f"线程{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == 80 and len(set(prevs)) == 80
    assert _verify() == ""
