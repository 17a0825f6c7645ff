"""The cluster tests (issue 17) run only on the cluster of `make cluster`, through `make test-cluster`
(which passes the cluster's DATABASE_URL and DATABASE_REPLICA_URL); anything else fails at once."""

from __future__ import annotations

import subprocess

import pytest
from django.conf import settings

from gonghui.core import replica

from . import nodes


def pytest_terminal_summary(terminalreporter):
    """The measured figures (failover times, submissions) at the end of `make test-cluster`'s output."""
    if nodes.FIGURES:
        terminalreporter.section("集群测试实测")
        for line in nodes.FIGURES:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/cluster/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(autouse=True, scope="session")
def cluster_is_up():
    if "replica" not in settings.DATABASES or settings.DATABASE_POOLER != "pgbouncer":
        pytest.fail(
            "集群测试需要集群的连接设置（DATABASE_URL、DATABASE_REPLICA_URL、DATABASE_POOLER=pgbouncer）："
            "请用 make test-cluster 运行"
        )
    done = subprocess.run([str(nodes.SCRIPT), "check"], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"集群未就绪：{done.stderr.strip()}（先运行 make cluster）")


@pytest.fixture(autouse=True)
def fresh_replica_health():
    replica._reset_health_for_tests()
    yield
    replica._reset_health_for_tests()
