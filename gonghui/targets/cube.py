"""The growth cube: net membership change per (node path, day) for every node on an event's path.

Why this shape. Dashboards ask "net growth of the subtree of X between two dates" for a handful of X;
over the event table that is a scan of millions of rows. The cube answers it as a range read of at most
366 rows per node. It is maintained **incrementally from the append-only event table**: ``refresh()``
adds the events whose id is above the stored watermark. A read adds the live tail (events above the
watermark, a few at most since the last refresh) to the cube, so the answer equals the event table
exactly at any moment. Membership services belong to another app and stay untouched: no triggers, no
signals, no extra writes in their transactions.

What the cube cannot see, and how that is handled:
- a structural move rewrites paths of a subtree: the state keeps a fingerprint of (id, parent) for the
  unions that existed at refresh time; when it changes, reads fall back to the live aggregate until the
  next ``refresh()`` rebuilds the cube (``refresh`` rebuilds by itself when it sees a changed tree).
  Fingerprinting scans every union (≈ 25 ms at 100 k), so on PostgreSQL two triggers on the union
  table (migration 0002) raise a one-row tree version on every change of parent or path and every
  delete; a page reads it with the state and fingerprints only when it moved. Writes that bypass
  triggers (``session_replication_role = replica``) must run ``refresh_targets --full`` afterwards;
- the 农民工 / 新业态 split uses the member's flags when the event is aggregated; a flag edited later is
  reflected at the next full rebuild (``refresh_targets --full``, nightly). Bulletins are frozen in
  snapshots, so a printed figure never moves.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.db.models.expressions import RawSQL

from gonghui.core.models import PATH_STEP
from gonghui.members.models import EventKind, Member, MembershipEvent
from gonghui.orgs.models import UnionOrg

from .growth import GROWTH_FIELDS, by_depth, live_growth, zero_growth
from .models import CubeState, GrowthCube, TreeVersion

# The cube keeps subtree totals for the federation levels (province 0, city 1, county 2, township/zone 3):
# the nodes targets and dashboards are about. A deeper node (a grassroots union and what hangs under it)
# is small, so its figures are read live from the event table through the (union, date) index.
CUBE_MAX_DEPTH = 3
CUBE_WIDTH = PATH_STEP * (CUBE_MAX_DEPTH + 1)


def fingerprint(up_to_union_id: int | None = None) -> str:
    """Changes when an existing union is moved or deleted; adding unions does not change it."""
    qs = UnionOrg.objects.all()
    if up_to_union_id is not None:
        qs = qs.filter(id__lte=up_to_union_id)
    agg = qs.aggregate(
        top=Max("id"),
        parents=Sum("parent_id"),
        weighted=Sum(F("parent_id") * F("id")),
    )
    return f"{agg['top'] or 0}:{agg['parents'] or 0}:{agg['weighted'] or 0}"


def _top_union(fp: str) -> int:
    return int(fp.split(":", 1)[0] or 0)


_local = threading.local()


@contextmanager
def pinned():
    """Check the cube's state once for a whole page (one request reads several figures) instead of
    once per figure; the fingerprint query scans the union table."""
    if getattr(_local, "pinned", None) is not None:
        yield
        return
    _local.pinned = (current_state(),)
    try:
        yield
    finally:
        _local.pinned = None


TRIGGER_NAMES = ("targets_tree_moved", "targets_tree_deleted")


def _tree_version_sql() -> str | None:
    """SQL for the trigger-kept tree version, NULL when the triggers are not all in place (then
    nothing can be concluded from it); None on databases without the triggers (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    version = TreeVersion._meta.db_table
    union = UnionOrg._meta.db_table
    names = ", ".join(f"'{n}'" for n in TRIGGER_NAMES)
    return f"""
        SELECT v.version FROM {version} v WHERE v.id = 1 AND (
            SELECT count(*) FROM pg_trigger
            WHERE tgrelid = '{union}'::regclass AND tgname IN ({names}) AND tgenabled <> 'D'
        ) = {len(TRIGGER_NAMES)}
    """


def tree_version() -> int | None:
    sql = _tree_version_sql()
    if sql is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row[0] if row else None


def current_state() -> CubeState | None:
    """The cube state if the cube may be read (tree unchanged since it was built), else None.

    On PostgreSQL one small query: the state and the trigger-kept tree version. Only when the version
    moved past the one last checked is the full fingerprint (a scan of every union, ≈ 25 ms at 100 k
    unions) computed; an unchanged fingerprint records the new version so the next page skips it."""
    held = getattr(_local, "pinned", None)
    if held is not None:
        return held[0]
    # The newest event id comes along (a backward step on the primary key): when nothing was recorded
    # since the refresh, the page skips the live-tail queries altogether.
    event = MembershipEvent._meta.db_table
    states = CubeState.objects.order_by("pk").annotate(
        newest_event=RawSQL(f"(SELECT max(id) FROM {event})", [])
    )
    sql = _tree_version_sql()
    if sql is not None:
        states = states.annotate(current_version=RawSQL(f"({sql})", []))
    state = states.first()
    if state is None or not state.tree_fingerprint:
        return None
    version = getattr(state, "current_version", None)
    if version is not None and version == state.tree_version:
        return state
    if fingerprint(_top_union(state.tree_fingerprint)) != state.tree_fingerprint:
        return None
    if version is not None:
        # Read before the fingerprint: a move after that read raises the version past this value.
        CubeState.objects.filter(pk=state.pk, tree_fingerprint=state.tree_fingerprint).update(
            tree_version=version
        )
    return state


def _has_tail(state: CubeState) -> bool:
    """Events above the watermark may exist (unknown when the state was not read by current_state)."""
    newest = getattr(state, "newest_event", None)
    return newest is None or newest > state.watermark


def _sql_add_events(low: int, high: int) -> None:
    """Add events with low < id ≤ high into the cube, one INSERT … SELECT per tree depth."""
    cube = GrowthCube._meta.db_table
    event = MembershipEvent._meta.db_table
    union = UnionOrg._meta.db_table
    member = Member._meta.db_table
    max_depth = UnionOrg.objects.aggregate(d=Max("depth"))["d"] or 0
    sql = f"""
        INSERT INTO {cube} (node_path, day, joined, transferred_in, transferred_out, "left", net,
                            net_migrant, net_new_form)
        SELECT substr(u.path, 1, %s), e.date,
               SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN e.kind IN (%s, %s) THEN 1 ELSE 0 END),
               SUM(e.delta),
               SUM(CASE WHEN m.is_migrant_worker THEN e.delta ELSE 0 END),
               SUM(CASE WHEN m.new_form_group_id IS NOT NULL THEN e.delta ELSE 0 END)
        FROM {event} e
        JOIN {union} u ON u.id = e.union_id
        JOIN {member} m ON m.id = e.member_id
        WHERE e.id > %s AND e.id <= %s AND u.depth >= %s
        GROUP BY substr(u.path, 1, %s), e.date
        ON CONFLICT (node_path, day) DO UPDATE SET
            joined = {cube}.joined + excluded.joined,
            transferred_in = {cube}.transferred_in + excluded.transferred_in,
            transferred_out = {cube}.transferred_out + excluded.transferred_out,
            "left" = {cube}."left" + excluded."left",
            net = {cube}.net + excluded.net,
            net_migrant = {cube}.net_migrant + excluded.net_migrant,
            net_new_form = {cube}.net_new_form + excluded.net_new_form
    """
    with connection.cursor() as cursor:
        for depth in range(min(max_depth, CUBE_MAX_DEPTH) + 1):
            width = PATH_STEP * (depth + 1)
            cursor.execute(
                sql,
                [
                    width,
                    EventKind.JOIN,
                    EventKind.TRANSFER_IN,
                    EventKind.TRANSFER_OUT,
                    EventKind.EXIT,
                    EventKind.REMOVE,
                    low,
                    high,
                    depth,
                    width,
                ],
            )


def _sql_full_build_postgres(high: int) -> int:
    """Full build on PostgreSQL in one pass over the events into a temporary table of daily totals per
    node cut at the township level, then level by level upwards (1 k towns, 100 counties, 16 cities …).
    Returns the number of events aggregated (counted in the same pass)."""
    cube = GrowthCube._meta.db_table
    event = MembershipEvent._meta.db_table
    union = UnionOrg._meta.db_table
    member = Member._meta.db_table
    sums = 'joined, transferred_in, transferred_out, "left", net, net_migrant, net_new_form'
    summed = ", ".join(f"SUM({c})" for c in sums.split(", "))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS cube_own")
        cursor.execute(
            f"""
            CREATE TEMP TABLE cube_own ON COMMIT DROP AS
            SELECT substr(u.path, 1, %s) AS node_path, e.date AS day,
                   SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END) AS joined,
                   SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END) AS transferred_in,
                   SUM(CASE WHEN e.kind = %s THEN 1 ELSE 0 END) AS transferred_out,
                   SUM(CASE WHEN e.kind IN (%s, %s) THEN 1 ELSE 0 END) AS "left",
                   SUM(e.delta) AS net,
                   SUM(CASE WHEN m.is_migrant_worker THEN e.delta ELSE 0 END) AS net_migrant,
                   SUM(CASE WHEN m.new_form_group_id IS NOT NULL THEN e.delta ELSE 0 END) AS net_new_form,
                   COUNT(*) AS events
            FROM {event} e JOIN {union} u ON u.id = e.union_id JOIN {member} m ON m.id = e.member_id
            WHERE e.id <= %s
            GROUP BY substr(u.path, 1, %s), e.date
            """,
            [
                CUBE_WIDTH,
                EventKind.JOIN,
                EventKind.TRANSFER_IN,
                EventKind.TRANSFER_OUT,
                EventKind.EXIT,
                EventKind.REMOVE,
                high,
                CUBE_WIDTH,
            ],
        )
        # cube_own holds, per day, each township-level node's whole subtree (paths cut at CUBE_WIDTH)
        # and the own events of shallower nodes; each level = its own rows + the level below rolled up.
        for depth in range(CUBE_MAX_DEPTH, -1, -1):
            width = PATH_STEP * (depth + 1)
            cursor.execute(
                f"""
                INSERT INTO {cube} (node_path, day, {sums})
                SELECT node_path, day, {summed} FROM (
                    SELECT node_path, day, {sums} FROM cube_own WHERE length(node_path) = %s
                    UNION ALL
                    SELECT substr(node_path, 1, %s), day, {sums} FROM {cube} WHERE length(node_path) = %s
                ) parts GROUP BY node_path, day
                """,
                [width, width, width + PATH_STEP],
            )
        cursor.execute("SELECT coalesce(SUM(events), 0) FROM cube_own")
        events = int(cursor.fetchone()[0])
        cursor.execute("DROP TABLE cube_own")
    return events


@transaction.atomic
def refresh(full: bool = False) -> dict[str, int]:
    """Bring the cube up to the newest event. Rebuilds from scratch when asked or when the tree moved."""
    state = CubeState.objects.select_for_update().first() or CubeState.objects.create()
    if connection.vendor == "postgresql":
        TreeVersion.objects.get_or_create(pk=1)
    # Version, then fingerprint, then the build: a move during the build leaves a stored fingerprint
    # (and version) older than the tree, so readers fall back to live figures instead of trusting it.
    version = tree_version()
    fp_all = fingerprint()
    fp_now = fingerprint(_top_union(state.tree_fingerprint)) if state.tree_fingerprint else ""
    rebuild = full or not state.tree_fingerprint or fp_now != state.tree_fingerprint
    if rebuild:
        GrowthCube.objects.all().delete()
        state.watermark = 0
    high = MembershipEvent.objects.aggregate(m=Max("id"))["m"] or 0
    added = 0
    if high > state.watermark:
        # ``added`` is the number of events aggregated, not the id span (ids have gaps: rolled-back
        # inserts, sequence caching); ``watermark`` is the highest event id now in the cube.
        if state.watermark == 0 and connection.vendor == "postgresql":
            added = _sql_full_build_postgres(high)
        else:
            added = MembershipEvent.objects.filter(id__gt=state.watermark, id__lte=high).count()
            _sql_add_events(state.watermark, high)
        state.watermark = high
    state.tree_fingerprint = fp_all
    state.tree_version = version
    state.save()
    return {"rebuilt": int(rebuild), "events_added": added, "watermark": high}


def cube_growth(
    paths: list[str], start: dt.date, end: dt.date, state: CubeState
) -> dict[str, dict[str, int]]:
    deep = [p for p in paths if len(p) > CUBE_WIDTH]
    paths = [p for p in paths if len(p) <= CUBE_WIDTH]
    result = {p: zero_growth() for p in paths}
    if deep:
        result.update(live_growth(deep, start, end))
    rows = (
        GrowthCube.objects.filter(node_path__in=list(set(paths)), day__range=(start, end))
        .values("node_path")
        .annotate(**{f: Sum(f) for f in GROWTH_FIELDS})
        .order_by()
    )
    for row in rows:
        for f in GROWTH_FIELDS:
            result[row["node_path"]][f] += row[f] or 0
    tail = (
        live_growth(paths, start, end, above_event_id=state.watermark) if paths and _has_tail(state) else {}
    )
    for p, values in tail.items():
        for f in GROWTH_FIELDS:
            result[p][f] += values[f]
    return result


def growth(paths: list[str], start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Exact net growth per subtree: from the cube when it is current, else from the event table."""
    state = current_state()
    if state is None:
        return live_growth(paths, start, end)
    return cube_growth(paths, start, end, state)


def monthly(path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """Net change per month of one subtree, exact (cube + tail, or live)."""
    from .growth import live_monthly

    state = current_state()
    if state is None or len(path) > CUBE_WIDTH:
        return live_monthly(path, start, end)
    months: dict[str, int] = {}
    for day, net in GrowthCube.objects.filter(node_path=path, day__range=(start, end)).values_list(
        "day", "net"
    ):
        key = f"{day:%Y-%m}"
        months[key] = months.get(key, 0) + net
    tail = (
        MembershipEvent.objects.filter(
            id__gt=state.watermark, date__range=(start, end), union__path__startswith=path
        )
        .values_list("date", "delta")
        .iterator()
        if _has_tail(state)
        else ()
    )
    for day, delta in tail:
        key = f"{day:%Y-%m}"
        months[key] = months.get(key, 0) + delta
    return months


def node_summary(path: str, year_start: dt.date, end: dt.date) -> dict:
    """One node's figures for a dashboard, exact, in three small queries: the net change of all time up
    to ``end`` (the member count), the growth from ``year_start`` to ``end`` and its monthly net.

    The separate reads (all-time, year, months) would each read the cube and the live tail again."""
    from .growth import GROWTH_AGGREGATES, live_monthly

    state = current_state()
    if state is None or len(path) > CUBE_WIDTH:
        return {
            "total_net": live_growth([path], dt.date(1900, 1, 1), end)[path]["net"],
            "year": live_growth([path], year_start, end)[path],
            "monthly": live_monthly(path, year_start, end),
        }
    before = GrowthCube.objects.filter(node_path=path, day__lt=year_start).aggregate(n=Sum("net"))["n"] or 0
    days = GrowthCube.objects.filter(node_path=path, day__range=(year_start, end)).values(
        "day", *GROWTH_FIELDS
    )
    tail = (
        MembershipEvent.objects.filter(id__gt=state.watermark, date__lte=end, union__path__startswith=path)
        .values("date")
        .annotate(**GROWTH_AGGREGATES)
        .order_by()
        if _has_tail(state)
        else ()
    )
    year, monthly, total = zero_growth(), {}, before
    for row in [*days, *({**r, "day": r["date"]} for r in tail)]:
        total += row["net"] or 0
        if row["day"] < year_start:
            continue
        for f in GROWTH_FIELDS:
            year[f] += row[f] or 0
        key = f"{row['day']:%Y-%m}"
        monthly[key] = monthly.get(key, 0) + (row["net"] or 0)
    return {"total_net": total, "year": year, "monthly": monthly}


__all__ = ["by_depth", "cube_growth", "growth", "monthly", "node_summary", "refresh"]
