"""The public pages under abuse: a dead Redis, rate limits shared through the database, the honeypot."""

import datetime as dt
import logging
import socket
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.joining import ratelimit
from gonghui.joining.models import JoinApplication, RateCounter
from tests.factories import make_id
from tests.joining.test_views import COURIER_ID, form

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def dead_redis(settings):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    ratelimit._redis.cache_clear()
    yield url
    ratelimit._redis.cache_clear()
    ratelimit._redis_down_until[0] = 0.0


def test_public_pages_keep_working_when_redis_is_unreachable(client, joinreg, dead_redis, caplog):
    with caplog.at_level(logging.WARNING, logger="gonghui.joining"):
        assert client.get(reverse("joining:apply")).status_code == 200
        resp = client.post(reverse("joining:apply"), form(joinreg))
        assert resp.status_code == 200 and "申请编号" in resp.content.decode()
        app = JoinApplication.objects.get()
        html = client.post(
            reverse("joining:status"), {"number": app.number, "id_number": COURIER_ID}
        ).content.decode()
        assert "待审核" in html
        assert client.get(reverse("joining:status")).status_code == 200
        assert client.get(reverse("joining:workplace-search"), {"q": "鸠江乙"}).status_code == 200
    assert any("Redis unreachable" in r.getMessage() for r in caplog.records)
    # The limits were counted in the database meanwhile.
    assert RateCounter.objects.filter(kind="apply_ip").get().hits == 1
    assert RateCounter.objects.filter(kind="status_id").exists()


def test_rate_limits_still_hold_when_redis_is_unreachable(client, joinreg, dead_redis, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (2, 3600)}
    statuses = [
        client.post(reverse("joining:apply"), form(joinreg, id_number=make_id(seq=300 + i))).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert JoinApplication.objects.count() == 2


def test_database_counter_is_one_statement_per_check_and_keeps_no_id_number(settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "PURGE_ONE_IN", 10**9)
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.allow_all([("apply_ip", "10.1.1.1"), ("apply_id", COURIER_ID)])
    assert len(queries.captured_queries) == 1
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all(COURIER_ID not in k and "10.1.1.1" not in k for k in keys)


def test_database_counter_counts_per_key_and_forgets_old_windows(settings, monkeypatch):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (2, 3600)}
    assert ratelimit.allow("apply_ip", "10.1.1.1") and ratelimit.allow("apply_ip", "10.1.1.1")
    assert not ratelimit.allow("apply_ip", "10.1.1.1")
    assert ratelimit.allow("apply_ip", "10.1.1.2")  # per address
    # An hour later: a new window, and the purge deletes the expired rows.
    later = ratelimit.time.time() + 3600
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    monkeypatch.setattr(ratelimit, "PURGE_ONE_IN", 1)
    assert ratelimit.allow("apply_ip", "10.1.1.1")
    assert RateCounter.objects.count() == 1


def test_honeypot_hits_count_against_the_address(client, joinreg, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (2, 3600)}
    spam = form(joinreg, website="http://spam.example")
    assert [client.post(reverse("joining:apply"), spam).status_code for _ in range(3)] == [400, 400, 429]
    # The address is spent: a real-looking post from it is refused too.
    assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 429
    assert not JoinApplication.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_counter_is_exact_under_concurrent_workers(on_postgres, settings):
    """Twenty workers (threads with their own connections) count one address at the same instant: the
    limit of 10 lets exactly 10 through, as it would across processes (the count is in one row)."""
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (10, 3600)}
    barrier = threading.Barrier(20)
    results: list = []

    def body():
        try:
            barrier.wait()
            results.append(ratelimit.allow("apply_ip", "10.2.2.2"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 10 + [True] * 10
    assert RateCounter.objects.get().hits == 20


def test_the_database_holds_at_most_one_open_application_per_id(joinreg):
    from django.db import IntegrityError, transaction

    from gonghui.core.normalize import normalize_resident_id
    from gonghui.joining import services
    from gonghui.joining.models import ApplicationStatus

    data = services.ApplicationInput(
        name="钱快递",
        resident_id=normalize_resident_id(COURIER_ID),
        phone="13955556666",
        new_form_group=joinreg.groups["courier"],
        district=joinreg.unions["jiujiang"].region,
        consent_constitution=True,
        consent_personal_data=True,
    )
    first = services.submit(data)
    copy = JoinApplication.objects.get(pk=first.pk)
    copy.pk, copy.number = None, "RH20260101999999"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Closed applications do not count: after a withdrawal the person may apply again.
    JoinApplication.objects.filter(pk=first.pk).update(status=ApplicationStatus.WITHDRAWN)
    second = services.submit(data)
    assert second.status == ApplicationStatus.SUBMITTED and JoinApplication.objects.count() == 2


@pytest.mark.parametrize("name", ["<b>张三</b>", '=HYPERLINK("x")', "张${jndi}", "张\x00三"])
def test_public_form_refuses_a_name_a_person_cannot_have(client, joinreg, name):
    resp = client.post(reverse("joining:apply"), form(joinreg, name=name))
    assert resp.status_code == 200 and "姓名" in resp.content.decode()
    assert resp.context["form"].errors["name"]
    assert not JoinApplication.objects.exists()


def test_member_import_refuses_the_same_names(registry, tmp_path, settings):
    """Imports call the same normaliser: a formula or markup in the name column is a row error."""
    from gonghui.imports.jobs import run_job
    from gonghui.imports.models import ImportRowError
    from gonghui.imports.services import create_job
    from gonghui.members.models import Member
    from tests.imports.helpers import MEMBER_HEADER, write_xlsx

    settings.MEDIA_ROOT, settings.PRIVATE_FILES_ROOT = tmp_path / "media", tmp_path / "private"
    union = "鸠江乙公司工会委员会"
    rows = [
        ["阿依古丽•买买提", make_id("340207", dt.date(1990, 1, 1), 401), "", union, "2023-05-01", "否", ""],
        ["=cmd|'/c calc'!A1", make_id("340207", dt.date(1990, 1, 2), 402), "", union, "2023-05-01", "否", ""],
    ]
    path = write_xlsx(tmp_path / "names.xlsx", MEMBER_HEADER, rows)
    job = create_job(registry.users["jiujiang"], "members", path, path.name, None)
    result = run_job(job, dry_run=False)
    assert result.errors == 1 and not result.committed  # all or nothing: the file is refused
    errors = ImportRowError.objects.filter(job=job, is_warning=False)
    assert [(e.row, e.column) for e in errors] == [(3, "姓名")] and "不能用于姓名的字符「=」" in errors[
        0
    ].message
    assert not Member.objects.filter(name__contains="calc").exists()
    # Without the bad row the file goes in, the look-alike dot made the middle dot.
    path = write_xlsx(tmp_path / "names2.xlsx", MEMBER_HEADER, rows[:1])
    result = run_job(create_job(registry.users["jiujiang"], "members", path, path.name, None), dry_run=False)
    assert result.created == 1 and result.committed
    assert Member.objects.filter(name="阿依古丽·买买提").count() == 1


def test_someone_blocked_by_a_strangers_application_is_told_whom_to_contact(client, joinreg):
    assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 200
    html = client.post(
        reverse("joining:apply"), form(joinreg, name="钱真人", phone="13800001111")
    ).content.decode()
    assert "已有一份正在办理的入会申请" in html and "不是您本人提交" in html and "总工会核实处理" in html
    assert JoinApplication.objects.count() == 1
