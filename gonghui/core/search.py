"""Keyword (contains) search on names, and list totals that stay cheap at millions of rows.

``方村`` finds ``镜湖区方村街道总工会``: names are matched with ``icontains`` — on PostgreSQL served by a
``pg_trgm`` GIN index on ``UPPER(name)`` (the expression ``icontains`` compiles to), on SQLite a plain
``LIKE``. A trigram index can only narrow a pattern of three characters or more; shorter keywords fall
back to the plain scan, whose cost ``bench/search.py`` measures (see README).

Totals: ``count_capped`` counts at most ``TOTAL_CAP`` + 1 rows (``COUNT(*)`` over a ``LIMIT`` subquery),
so a list page can say 「共 N 条」 exactly below the cap and 「超过 N 条」 above it without counting ten
million rows on every page view. Even capped, reaching ten thousand filtered rows costs ~100 ms at province
scale — twice the page's own query — so a list whose planner estimate (``estimated_rows``) exceeds
``INLINE_TOTAL_ESTIMATE``, or that turns out longer than that when counted, shows its rows at once and
counts in a second request (``inline_total``, ``core.views``). The estimate only decides *when* the count
runs; what is shown is always counted.
"""

from __future__ import annotations

import json

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import connections
from django.db.migrations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation
from django.db.models import QuerySet
from django.db.models.functions import Upper

from .normalize import clean_text

TRIGRAM_MIN = 3  # pg_trgm needs three characters to use the index
TOTAL_CAP = 10_000
INLINE_TOTAL_ESTIMATE = 2_000  # planner-estimated rows above which a list's total is counted after the page


def trigram_index(field: str, name: str) -> GinIndex:
    """For ``Meta.indexes``: a GIN trigram index on ``UPPER(field)``, created on PostgreSQL only (by
    ``AddIndexOnPostgres`` in the migration)."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class AddIndexOnPostgres(AddIndexConcurrently):
    """``AddIndexConcurrently`` (no write lock on a table of millions of rows while it builds) that does
    nothing on other databases; the index is in the model state everywhere, so ``makemigrations`` agrees."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class _ConcurrentlyOnPostgres(Operation):
    """An index operation run CONCURRENTLY on PostgreSQL (a table of millions of rows keeps taking writes
    meanwhile; the migration needs ``atomic = False``) and as the plain operation ``plain`` elsewhere."""

    plain: type[Operation]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrentlyOnPostgres(_ConcurrentlyOnPostgres, AddIndexConcurrently):
    """An index every database has, built CONCURRENTLY on PostgreSQL, plainly elsewhere."""

    plain = AddIndex


class RemoveIndexConcurrentlyOnPostgres(_ConcurrentlyOnPostgres, RemoveIndexConcurrently):
    """An index dropped CONCURRENTLY on PostgreSQL (no lock on the table's readers), plainly elsewhere."""

    plain = RemoveIndex


def name_contains(qs: QuerySet, field: str, text: str, *, short_by_prefix: bool = False) -> QuerySet:
    """Rows whose ``field`` contains the keyword (case-insensitive; full-width folded by clean_text).

    ``short_by_prefix``: a keyword under ``TRIGRAM_MIN`` characters matches the start of the name instead
    (the B-tree prefix index) — for tables of millions of rows where a 1–2 character contains-search
    would read the whole table (people's names: 「张伟」 finds 张伟 and 张伟明; measured in bench/search.py)."""
    text = clean_text(text)
    if not text:
        return qs
    if short_by_prefix and len(text) < TRIGRAM_MIN:
        return qs.filter(**{f"{field}__startswith": text})
    return qs.filter(**{f"{field}__icontains": text})


def count_capped(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the exact count up to ``cap`` (default ``TOTAL_CAP``); (cap, False) when more."""
    cap = cap or TOTAL_CAP
    found = qs.order_by()[: cap + 1].count()
    return (found, True) if found <= cap else (cap, False)


def estimated_rows(qs: QuerySet) -> int | None:
    """The planner's estimate of how many rows ``qs`` returns (PostgreSQL's ``EXPLAIN``, planning only —
    nothing is read), or None where there is no planner to ask (SQLite)."""
    if qs.query.is_empty():
        return 0
    if connections[qs.db].vendor != "postgresql":
        return None
    plan = qs.order_by().values("pk").explain(format="json")  # the rows' count, without their joins
    if not plan.strip():
        return 0  # a condition that can match nothing (e.g. a number out of the column's range): no query
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


def inline_total(qs: QuerySet) -> tuple[int, bool] | None:
    """The (count, exact) a list page shows beside its rows, or None when the page shows its rows first and
    counts ``qs`` in a second request. The planner's estimate decides; where it guessed low — correlated
    filters such as a district's 农民工 in a date range, estimated at 2,000 rows and matching more than
    10,000 — the inline count stops at ``INLINE_TOTAL_ESTIMATE`` + 1 rows and the total is deferred after
    all, instead of counting to ``TOTAL_CAP`` before the page is sent. Without a planner to ask (SQLite, a
    small installation) the count is inline, capped as always."""
    estimate = estimated_rows(qs)
    if estimate is None:
        return count_capped(qs)
    if estimate > INLINE_TOTAL_ESTIMATE:
        return None
    cap = min(INLINE_TOTAL_ESTIMATE, TOTAL_CAP)
    total, exact = count_capped(qs, cap)
    if exact or cap == TOTAL_CAP:
        return total, exact  # counted, or more than the cap any count shows: 「超过 N 条」
    return None
