"""The cluster of deploy/cluster/cluster.sh as the tests see it: which node is primary, a superuser
connection to a node, killing a node, waiting for replay and for the cluster to be whole again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "cluster" / "cluster.sh"
DIR = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster"))
BASE = int(os.environ.get("CLUSTER_BASE_PORT", 55432))
NODES = {"node1": BASE + 1, "node2": BASE + 2}
FIGURES: list[str] = []  # printed by conftest.pytest_terminal_summary


def node(name: str, dbname: str | None = None, autocommit: bool = True) -> psycopg.Connection:
    """A superuser connection straight to one node (not through pgbouncer), on the test database."""
    return psycopg.connect(
        host="127.0.0.1",
        port=NODES[name],
        user="postgres",
        dbname=dbname or connection.settings_dict["NAME"],
        autocommit=autocommit,
        connect_timeout=3,
    )


def in_recovery(name: str) -> bool | None:
    try:
        with node(name, "postgres") as conn:
            return conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.OperationalError:
        return None


def primary() -> str:
    found = [name for name in NODES if in_recovery(name) is False]
    assert len(found) == 1, f"应恰有一个主库，实际：{found}"
    return found[0]


def standby() -> str:
    return next(name for name in NODES if name != primary())


def wait_replayed(timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with node(primary()) as conn:
        lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with node(standby()) as conn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("备库在 30 秒内未重放主库的写入")


def kill_node(name: str) -> None:
    """The node's machine dies: SIGKILL to its pg_autoctl (started with setsid: its process group holds
    the keeper and PostgreSQL) and to the postmaster. Killing the postmaster alone races the keeper's
    restart of it against the monitor's failover; with the keeper gone the monitor always fails over."""
    supervisor = int((DIR / f"{name}.pid").read_text().strip())
    postmaster = int((DIR / name / "postmaster.pid").read_text().splitlines()[0])
    for pid, kill in ((supervisor, os.killpg), (postmaster, os.kill)):
        with contextlib.suppress(ProcessLookupError):
            kill(pid, signal.SIGKILL)


def restore() -> None:
    """Start whatever is stopped and wait for one primary and one secondary again (the killed node comes
    back as the secondary, rewound by pg_auto_failover)."""
    done = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
