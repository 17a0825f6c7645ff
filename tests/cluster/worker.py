"""The background worker (`manage.py worker`) as a child process on the test database, and a prober that
measures when the cluster takes writes again."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import psycopg
from django.conf import settings
from django.db import connection

from .nodes import ROOT


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


class WriteProber(threading.Thread):
    """Every 0.1 s a new connection through the application's multi-host URL and a write transaction
    (``txid_current()`` is refused on a standby); records when writes first succeed after ``since``."""

    def __init__(self):
        super().__init__(daemon=True)
        self.url = _test_url(os.environ["DATABASE_URL"])
        self.since: float | None = None
        self.first_write: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            if self.since is not None and self.first_write is None:
                try:
                    with psycopg.connect(self.url, connect_timeout=2, prepare_threshold=None) as conn:
                        conn.execute("SELECT txid_current()")
                    self.first_write = time.monotonic()
                except psycopg.Error:
                    pass
            time.sleep(0.1)

    def seconds(self) -> float | None:
        if self.since is None or self.first_write is None:
            return None
        return self.first_write - self.since
