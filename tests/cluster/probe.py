"""Which server ran each statement: an execute wrapper on both aliases asks ``pg_is_in_recovery()`` on the
very cursor (and so the very server connection behind pgbouncer) before each statement."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.db import connections

LAG_CHECK = "pg_last_xact_replay_timestamp"
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE")


@dataclass
class Probe:
    statements: list[tuple[str, bool, str]] = field(default_factory=list)  # (alias, in recovery, sql)

    def wrapper(self, alias: str):
        def wrap(execute, sql, params, many, context):
            cursor = context["cursor"]
            cursor.cursor.execute("SELECT pg_is_in_recovery()")
            recovering = cursor.cursor.fetchone()[0]
            self.statements.append((alias, recovering, str(sql)))
            return execute(sql, params, many, context)

        return wrap

    def on(self, alias: str) -> list[str]:
        """The page's statements on an alias (the router's own lag check left out)."""
        return [sql for a, _, sql in self.statements if a == alias and LAG_CHECK not in sql]

    def on_standby(self) -> list[str]:
        return [sql for _, recovering, sql in self.statements if recovering and LAG_CHECK not in sql]

    def writes(self) -> list[tuple[str, bool, str]]:
        return [s for s in self.statements if s[2].lstrip().upper().startswith(WRITES)]


@contextlib.contextmanager
def probe():
    found = Probe()
    with contextlib.ExitStack() as stack:
        for alias in ("default", "replica"):
            stack.enter_context(connections[alias].execute_wrapper(found.wrapper(alias)))
        yield found
