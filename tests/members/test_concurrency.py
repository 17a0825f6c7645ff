"""Two transactions joining the same person at the same moment: the database decides, one wins.

Only PostgreSQL runs transactions really concurrently (SQLite serialises writers), so these run there.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services
from gonghui.members.models import EventKind, Member, MembershipEvent
from tests.factories import make_id

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PERSON = make_id("340202", dt.date(1991, 7, 7), 77)


def _applicant() -> services.Applicant:
    return services.Applicant(resident_id=normalize_resident_id(PERSON), name="钱并发")


def _run_in_thread(target, results, key):
    def body():
        try:
            results[key] = target()
        except Exception as exc:  # the outcome is what the test asserts
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def _assert_one_won(results, unions):
    members = [r for r in results.values() if isinstance(r, Member)]
    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert len(members) == 1, results
    assert len(errors) == 1 and isinstance(errors[0], services.AlreadyMember), results
    winner = members[0]
    assert winner.union.name in str(errors[0])
    assert "一人只能有一个有效会籍" in str(errors[0])
    held = Member.objects.filter(id_hash=winner.id_hash)
    assert held.count() == 1 and held.get().union_id == winner.union_id
    assert MembershipEvent.objects.filter(member__id_hash=winner.id_hash, kind=EventKind.JOIN).count() == 1
    assert {winner.union.pk} < set(u.pk for u in unions)


def test_two_simultaneous_joins_exactly_one_succeeds(on_postgres, registry):
    unions = [registry.unions["jinghu_a"], registry.unions["jiujiang_b"]]
    city = registry.users["wuhu"]
    barrier = threading.Barrier(2)
    results: dict = {}

    def joiner(union):
        def go():
            with transaction.atomic():
                barrier.wait(timeout=10)
                # Acting as 芜湖市, above both counties: the refusal may name the winner's union.
                return services.join(_applicant(), union, dt.date(2024, 1, 2), actor=city)

        return go

    threads = [_run_in_thread(joiner(u), results, u.pk) for u in unions]
    for thread in threads:
        thread.join(timeout=30)
    _assert_one_won(results, unions)


def _wait_for_lock_waiter(deadline_s: float = 15.0) -> bool:
    """Poll PostgreSQL until some backend of this database waits on a lock (no fixed sleep)."""
    end = time.monotonic() + deadline_s
    with connection.cursor() as cursor:
        while time.monotonic() < end:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_check_passes_in_both_then_the_unique_index_decides(on_postgres, registry):
    """Force the worst interleaving: B checks while A's insert is uncommitted, so B's code-level check
    finds nothing; B's insert then waits on the unique index and fails when A commits."""
    union_a, union_b = registry.unions["jinghu_a"], registry.unions["jiujiang_b"]
    a_inserted, b_blocked = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            member = services.join(_applicant(), union_a, dt.date(2024, 1, 2), actor=registry.users["wuhu"])
            a_inserted.set()
            assert b_blocked.wait(timeout=20)
        return member

    def second():
        assert a_inserted.wait(timeout=20)
        return services.join(_applicant(), union_b, dt.date(2024, 1, 3), actor=registry.users["wuhu"])

    thread_a = _run_in_thread(first, results, "a")
    thread_b = _run_in_thread(second, results, "b")
    assert a_inserted.wait(timeout=20)
    assert _wait_for_lock_waiter(), "B 的插入应当在唯一索引上等待 A 提交"
    b_blocked.set()
    thread_a.join(timeout=30)
    thread_b.join(timeout=30)
    assert isinstance(results["a"], Member), results
    assert isinstance(results["b"], services.AlreadyMember), results
    assert "镜湖甲公司工会委员会" in str(results["b"])
    _assert_one_won(results, [union_a, union_b])
