"""The background worker (`manage.py worker`) as a child process on the test database, and the prober that
measures when the cluster takes writes again (bench/_prober.py, shared with the pool bench)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection

from bench._prober import WriteProber

from .nodes import NODES, ROOT


def _test_url(url: str) -> str:
    # The cluster's URL names database "gonghui"; the tests run on pytest-django's test database.
    head, _, tail = url.partition("?")
    return head.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"] + ("?" + tail if tail else "")


def env(tmp_path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": _test_url(os.environ["DATABASE_URL"]),
        "DATABASE_REPLICA_URL": _test_url(os.environ["DATABASE_REPLICA_URL"]),
        "GONGHUI_VAR_DIR": str(tmp_path),
        "GONGHUI_PRIVATE_ROOT": str(settings.PRIVATE_FILES_ROOT),
        "GONGHUI_SECRET_KEY": settings.SECRET_KEY,
        "GONGHUI_FIELD_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "GONGHUI_HASH_KEY": settings.LOOKUP_HASH_KEY,
        "GONGHUI_AUDIT_ARCHIVE_KEY": settings.AUDIT_ARCHIVE_KEY,
        "GONGHUI_IMPORT_HEARTBEAT_SECONDS": "1",
    }


def start_worker(tmp_path) -> subprocess.Popen:
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (kept open for the child's lifetime)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            "-v",
            "2",
        ],
        cwd=ROOT,
        env=env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def write_prober(old_primary: str) -> WriteProber:
    """Started right after ``old_primary`` was killed: measures when a write first lands on another node
    through the application's URL (a write on the killed postmaster's orphan backend does not count)."""
    prober = WriteProber(_test_url(os.environ["DATABASE_URL"]), time.monotonic(), NODES[old_primary])
    prober.start()
    return prober
