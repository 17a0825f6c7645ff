"""The DATABASES entries from the environment's URLs (imported by the settings: no Django models here).

dj-database-url reads a one-host URL; a libpq multi-host URL (``postgres://u@h1:p1,h2:p2/db?
target_session_attrs=read-write``, issue 17) is split here into the comma-separated HOST and PORT that
psycopg 3 hands to libpq unchanged, so that after a failover a new connection tries each host and keeps
the one that accepts writes. ``pooler="pgbouncer"`` (transaction pooling) turns off what would carry
state from one transaction to the next on a server connection that another client gets next.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url


def parse_url(url: str, *, conn_max_age: int = 0, pooler: str = "") -> dict[str, Any]:
    parts = urlsplit(url)
    userinfo, _, hostlist = parts.netloc.rpartition("@")
    hosts: list[str] = []
    ports: list[str] = []
    if "," in hostlist:
        for item in hostlist.split(","):
            host, _, port = item.rpartition(":") if ":" in item else (item, "", "")
            hosts.append(host)
            ports.append(port)
        first = f"{userinfo}@{hostlist.split(',')[0]}" if userinfo else hostlist.split(",")[0]
        url = urlunsplit(parts._replace(netloc=first))
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if hosts:
        config["HOST"] = ",".join(hosts)
        # libpq takes one port for all hosts or one per host; an empty item means the default 5432.
        config["PORT"] = ",".join(p or "5432" for p in ports)
    if pooler:
        if pooler != "pgbouncer":
            raise ValueError(f"DATABASE_POOLER={pooler!r}: only pgbouncer is known")
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ValueError("DATABASE_POOLER=pgbouncer needs a PostgreSQL DATABASE_URL")
        # Named cursors (QuerySet.iterator() on PostgreSQL) live in the server session past the
        # transaction that pgbouncer hands back; prepared statements too (psycopg prepares a query after
        # five runs unless told not to; Django's default client-side binding never does, this makes sure).
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return config
