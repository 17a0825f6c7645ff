"""Kill → first successful write on the *new* primary, measured the same way by the pool bench
(bench/pool.py) and the cluster tests (tests/cluster): both import this one prober."""

from __future__ import annotations

import threading
import time


class WriteProber(threading.Thread):
    """Every 0.1 s a new attempt, in a thread of its own: a new connection and a write transaction
    (``txid_current()`` is refused on a standby). Attempts run side by side because one may hang — a client
    of pgbouncer waits up to its query_wait_timeout (30 s) for a server connection — and a later attempt
    must not wait behind it. Records when the first attempt succeeded."""

    def __init__(self, url: str, since: float, old_port: int, limit: float = 120, at_once: int = 40):
        super().__init__(daemon=True)
        self.url, self.since, self.limit, self.at_once = url, since, limit, at_once
        self.old_port = old_port
        self.first_write: float | None = None
        self.lock = threading.Lock()

    def _attempt(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=2, prepare_threshold=None) as conn:
                (port,) = conn.execute("SELECT inet_server_port() FROM txid_current()").fetchone()
        except psycopg.Error:
            return
        if port == self.old_port:
            # The killed postmaster's backends live on until they notice: a server connection that
            # pgbouncer kept open can still commit there (the standby confirms it). Not the failover.
            return
        now = time.monotonic()
        with self.lock:
            if self.first_write is None or now < self.first_write:
                self.first_write = now

    def run(self) -> None:
        attempts: list[threading.Thread] = []
        while self.first_write is None and time.monotonic() < self.since + self.limit:
            attempts = [t for t in attempts if t.is_alive()]
            if len(attempts) < self.at_once:
                thread = threading.Thread(target=self._attempt, daemon=True)
                thread.start()
                attempts.append(thread)
            time.sleep(0.1)

    def seconds(self) -> float | None:
        return None if self.first_write is None else self.first_write - self.since
