"""Heavy read-only pages read the streaming replica; writes, and reads inside a write, the primary;
a lagging replica is left for the primary beyond DATABASE_REPLICA_MAX_LAG, and below it the page says
how current its figures are (issue 17 point 2)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from gonghui.orgs.models import UnionOrg

from . import nodes
from .probe import probe

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def test_dashboard_and_list_pages_run_on_the_replica_and_writes_never_do(registry, client):
    nodes.wait_replayed()
    with probe() as seen:
        assert client.post(
            reverse("accounts:login"), {"username": "t-wuhu", "password": "x" * 3}
        ).status_code in (
            200,
            302,
        )
        client.force_login(registry.users["wuhu"])
        dashboard = client.get(reverse("reports:dashboard"))
        members = client.get(reverse("members:member-list"))
    assert dashboard.status_code == 200 and members.status_code == 200
    on_standby = seen.on_standby()
    # The pages' own figures came from the standby …
    assert any("orgs_unionorg" in sql for sql in on_standby), seen.statements[:5]
    assert any("members_member" in sql for sql in on_standby)
    # … every statement sent to the replica alias ran on a server in recovery, and nothing else did …
    assert all(recovering for alias, recovering, _ in seen.statements if alias == "replica")
    assert all(not recovering for alias, recovering, _ in seen.statements if alias == "default")
    # … and every write (the failed login's audit row, the session) ran on the primary.
    assert seen.writes(), "此请求序列应有写入"
    assert all(alias == "default" and not recovering for alias, recovering, _ in seen.writes())
    assert "数据截至" not in dashboard.content.decode()


def test_a_page_that_writes_reads_its_writes_from_the_primary(registry, client, settings):
    """A POST is never replica-eligible; a replica-eligible page that wrote reads on from the primary."""
    from gonghui.core import replica

    nodes.wait_replayed()
    with replica.use_replica() as state, probe() as seen:
        UnionOrg.objects.filter(pk=registry.unions["jinghu"].pk).update(name="镜湖区总工会（改）")
        renamed = UnionOrg.objects.get(pk=registry.unions["jinghu"].pk).name
    assert state.wrote and renamed == "镜湖区总工会（改）"
    assert not seen.on_standby()


def test_lagging_replica_shows_its_time_then_is_left_for_the_primary(registry, client, settings):
    settings.DATABASE_REPLICA_NOTICE_LAG = 1
    settings.DATABASE_REPLICA_MAX_LAG = 60
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    client.force_login(registry.users["wuhu"])
    nodes.wait_replayed()
    standby = nodes.standby()
    with nodes.node(standby) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            # A commit on the primary that the paused standby receives but does not apply.
            UnionOrg.objects.filter(pk=registry.unions["jinghu"].pk).update(name="镜湖区总工会（滞后）")
            time.sleep(2.5)
            with probe() as seen:
                page = client.get(reverse("reports:dashboard")).content.decode()
            assert seen.on_standby(), "滞后在上限之内：仍读备库"
            assert 'id="replica-as-of"' in page and "数据截至" in page

            settings.DATABASE_REPLICA_MAX_LAG = 2
            with probe() as seen:
                page = client.get(reverse("reports:dashboard")).content.decode()
            assert not seen.on_standby(), "滞后超过上限：读主库"
            assert not seen.on("replica")
            assert "数据截至" not in page
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")
    nodes.wait_replayed()


def test_replica_down_falls_back_to_the_primary(registry, client, settings):
    """A replica alias that cannot connect (its node stopped, pgbouncer refusing): pages read the primary."""
    from django.db import connections

    client.force_login(registry.users["wuhu"])
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    replica_conn = connections["replica"]
    saved = dict(replica_conn.settings_dict)
    replica_conn.close()
    replica_conn.settings_dict.update(HOST="127.0.0.1", PORT="55499")  # nothing listens there
    try:
        with probe() as seen:
            response = client.get(reverse("reports:dashboard"))
        assert response.status_code == 200
        assert not seen.on("replica") and not seen.on_standby()
    finally:
        replica_conn.close()
        replica_conn.settings_dict.clear()
        replica_conn.settings_dict.update(saved)
