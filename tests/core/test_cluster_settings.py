"""Issue 17 without a cluster: the database URL parsing (multi-host, pgbouncer), the router absent when no
replica is configured, and a lost database answering 「请稍后重试」 rather than an error page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from gonghui.core import failover, replica
from gonghui.core.dbconfig import parse_url


def test_a_multi_host_url_becomes_libpq_host_and_port_lists():
    config = parse_url(
        "postgres://gonghui:pw@10.0.0.1:5432,10.0.0.2:6432,db3/gonghui?target_session_attrs=read-write"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"]) == ("10.0.0.1,10.0.0.2,db3", "5432,6432,5432")
    assert (config["USER"], config["PASSWORD"], config["NAME"]) == ("gonghui", "pw", "gonghui")
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_one_host_urls_read_as_before():
    assert parse_url("postgres://postgres@127.0.0.1:5432/x")["HOST"] == "127.0.0.1"
    assert parse_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


def test_pgbouncer_turns_off_server_side_cursors_and_prepared_statements():
    config = parse_url("postgres://u@127.0.0.1:6432/gonghui", pooler="pgbouncer")
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert config["OPTIONS"]["prepare_threshold"] is None
    with pytest.raises(ValueError):
        parse_url("sqlite:////tmp/x.sqlite3", pooler="pgbouncer")
    with pytest.raises(ValueError):
        parse_url("postgres://u@h/db", pooler="pgpool")


def test_without_a_replica_url_there_is_no_router_and_no_notice():
    assert "replica" not in settings.DATABASES and settings.DATABASE_ROUTERS == []
    assert not replica.configured()
    assert replica.ReplicaRouter().db_for_read(None) is None  # no request state: the default database


def test_lost_connections_are_told_from_sql_errors():
    import psycopg
    from django.db import IntegrityError, OperationalError

    assert failover.connection_lost(OperationalError("server closed the connection unexpectedly"))
    lost = OperationalError("x")
    lost.__cause__ = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    assert failover.connection_lost(lost)
    assert failover.connection_lost(psycopg.errors.ProtocolViolation("server conn crashed?"))
    # pgbouncer's server connection cut under a COPY (measured in tests/cluster): psycopg's ProgrammingError.
    assert failover.connection_lost(psycopg.ProgrammingError("COPY cannot be mixed with other operations"))
    assert not failover.connection_lost(
        psycopg.ProgrammingError("the query has 2 placeholders but 1 parameters")
    )
    deadlock = OperationalError("deadlock")
    deadlock.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    assert not failover.connection_lost(deadlock)
    assert not failover.connection_lost(IntegrityError("duplicate key"))
    assert not failover.connection_lost(ValueError("x"))


@override_settings(ROOT_URLCONF="tests.core.urls_failing", DEBUG=False)
def test_a_database_lost_mid_request_answers_503_please_retry(db):
    response = Client(raise_request_exception=False).get("/database-gone/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "请稍后重试" in page and "本次操作未完成" in page
    assert "系统内部错误" not in page and "OperationalError" not in page


@pytest.mark.django_db(transaction=True)
def test_a_connection_whose_server_went_away_is_told_broken_whatever_the_error_said(on_postgres):
    """psycopg answers a server that vanished under a COPY with "COPY cannot be mixed with other
    operations" (a ProgrammingError, not a connection error): the import job asks the connection itself."""
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert not failover.connection_broken()  # alive, outside a transaction
    url = f"host={connection.settings_dict['HOST']} port={connection.settings_dict['PORT'] or 5432} "
    with psycopg.connect(url + f"user={connection.settings_dict['USER']} dbname=postgres") as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert failover.connection_broken()
    connection.close()
    assert failover.connection_broken()  # closed (as Django leaves one whose rollback failed)
    connection.ensure_connection()
    assert not failover.connection_broken()


def test_inside_a_transaction_nothing_is_probed(db):
    assert not failover.connection_broken()  # the test's transaction: no probe, no false alarm
