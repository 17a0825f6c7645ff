"""The audit log's hash chain: what a row's hash covers, and the lock that keeps writers in line.

``hash`` = SHA-256 over the previous row's hash and the row's canonical content. The writer
(``AuditEvent.save`` for a new row) takes a transaction-level advisory lock on PostgreSQL, so two
concurrent inserts cannot both chain to the same previous row (SQLite already locks the database on write).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import connection
from django.utils.ipv6 import clean_ipv6_address

# pg_advisory_xact_lock key of the chain writer (the first 8 bytes of a SHA-256 of its name).
CHAIN_LOCK = int.from_bytes(hashlib.sha256(b"gonghui audit chain").digest()[:8], "big", signed=True)


def _ip_text(ip) -> str:
    """The address as the database gives it back (PostgreSQL's inet normalises IPv6)."""
    if not ip:
        return ""
    ip = str(ip)
    return clean_ipv6_address(ip) if ":" in ip else ip


def canonical(event) -> bytes:
    """The row's content the hash covers. Not the user id (deleting a user sets it to NULL; the username
    stays) nor the row id (the chain itself orders the rows)."""
    at = event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [at, event.username, event.action, event.object_type, event.object_id, event.object_repr]
    fields += [_ip_text(event.ip), event.detail]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, event) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(event)).hexdigest()


def lock_chain() -> None:
    """Hold the chain's head until the current transaction ends (PostgreSQL; SQLite locks on write)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
