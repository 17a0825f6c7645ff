"""工会组织和会员统计年报: the annual statistics tables of a node's subtree as of a date (the statistical
year runs 10-01 .. 09-30), computed from the dated registry, for every node at once and summed upward.

Set-based. ``compute_per_node`` reads the subtree with a handful of grouped queries — the unions, the
members held per union, the workplaces' dated states per (governing union, ownership), the coverage links
— builds one row of figures per union (its *own* contributions) and adds every row into its ancestors,
deepest level first, in one pass over a numpy matrix. Any node's tables are then a row of that matrix.

Members held on a day D. The event table is the truth (``targets.asof``: the net of the events up to D);
the member table holds the same sums for today (a held member sits at the union of its last 入会/转入,
which ``indicators.raw_counts`` and ``asof`` already rely on). So the members held on D per union are the
members held now less the net of the events dated after D — one scan of the member table and a short
range of the event table, instead of a join of all events with all members. Women come from the stored
``sex`` (derived from the ID's sex digit on entry; the ID itself stays encrypted). ``compute_direct`` is
the straightforward per-node computation from the events, kept as the reference the tests and the bench
compare against.

What the registry cannot give is said on the table, never filled in: workplaces with no dated state on D
(``targets.asof.unavailable_reason``), union cadres (the registry holds none), and the 农民工 / 新业态
flags of a past date (the member's current flag is used: the registry keeps no history of it).

The logical checks the tables must pass, and the JSON form an approved report keeps them in, are
``annual_checks``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Sum
from django.utils import timezone

from gonghui.core.models import PATH_STEP
from gonghui.members.models import HELD_STATUSES, EventKind, Member, MembershipEvent, Sex
from gonghui.orgs.models import (
    GRASSROOTS_KINDS,
    Ownership,
    UnionCoverage,
    UnionKind,
    UnionOrg,
    WorkplaceState,
)
from gonghui.targets.asof import (
    cn_date,
    flag_on,
    link_made,
    state_valid,
    unavailable_reason,
    union_existed,
    workplace_present,
)

# Unions that cover several workplaces: a workplace covered by one of them counts 其中联合基层工会覆盖.
JOINT_KINDS = (UnionKind.JOINT, UnionKind.GRASSROOTS_FEDERATION, UnionKind.REGIONAL_FEDERATION)
MIXED = "mixed"  # a union covering workplaces of several ownerships
UNCOVERED = "none"  # a union covering no workplace (community unions, federations' pools)
TOTAL = "total"

CADRES_NOT_HELD = "工会组织台账未登记工会干部（专职、兼职）信息，本表不能从台账生成，需由填报单位另行统计。"
FLAGS_CURRENT = (
    "农民工、新就业形态劳动者按会员当前的登记标记统计：台账不保留这两项标记的历史，"
    "{day}以后修改过标记的会员按修改后的标记计入。"
)


def statistical_year(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The statistical year (10-01 .. 09-30) that contains ``as_of``."""
    start_year = as_of.year if as_of.month >= 10 else as_of.year - 1
    return dt.date(start_year, 10, 1), dt.date(start_year + 1, 9, 30)


# -- the fixed layout of the tables -------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    code: str
    title: str
    unit: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]  # the first row is the total, the others its sub-rows


OWNERSHIP_ROWS = tuple((str(o.value), str(o.label)) for o in Ownership)
SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "T1",
        "基层工会组织情况（按组织类型）",
        "个、人",
        (("unions", "基层工会数（个）"), ("new", "其中本统计年度新建（个）"), ("members", "会员数（人）")),
        ((TOTAL, "合计"), *((str(k.value), str(k.label)) for k in GRASSROOTS_KINDS)),
    ),
    TableSpec(
        "T2",
        "基层工会组织情况（按单位性质）",
        "个、人",
        (("unions", "基层工会数（个）"), ("members", "会员数（人）")),
        ((TOTAL, "合计"), *OWNERSHIP_ROWS, (MIXED, "覆盖多种性质单位"), (UNCOVERED, "未覆盖单位")),
    ),
    TableSpec(
        "T3",
        "会员情况",
        "人",
        (
            ("members", "会员数"),
            ("women", "其中女性"),
            ("migrant", "其中农民工"),
            ("new_form", "其中新就业形态劳动者"),
        ),
        ((TOTAL, "会员合计"), ("active", "在会"), ("retained", "保留会籍")),
    ),
    TableSpec(
        "T4",
        "单位建会情况",
        "个、人",
        (
            ("workplaces", "单位数（个）"),
            ("covered", "已建会单位数（个）"),
            ("covered_joint", "其中由联合基层工会（工会联合会）覆盖（个）"),
            ("employees", "职工人数（人）"),
            ("employees_covered", "已建会单位职工人数（人）"),
        ),
        ((TOTAL, "合计"), *OWNERSHIP_ROWS),
    ),
    TableSpec(
        "T5",
        "工会干部情况",
        "人",
        (("full_time", "专职工会干部"), ("part_time", "兼职工会干部")),
        ((TOTAL, "合计"),),
    ),
    TableSpec(
        "T6",
        "民主管理情况",
        "个",
        (
            ("workplaces", "单位数"),
            ("congress", "建立职代会制度的单位"),
            ("open_affairs", "实行厂务公开的单位"),
            ("director", "设职工董事的单位"),
            ("supervisor", "设职工监事的单位"),
        ),
        ((TOTAL, "合计"), *OWNERSHIP_ROWS),
    ),
)
SPEC = {s.code: s for s in SPECS}
# Tables whose figures come from the workplaces' dated states (withheld when those are missing on D).
WORKPLACE_TABLES = ("T4", "T6")

# One column of the figure matrix per (table, row, column); totals are kept as sub-row sums.
KEYS: list[tuple[str, str, str]] = [
    (s.code, r, c) for s in SPECS if s.code != "T5" for r, _ in s.rows[1:] for c, _ in s.columns
]
KEY_INDEX = {k: i for i, k in enumerate(KEYS)}


# -- the tables ---------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, int | None]
    is_total: bool = False


@dataclass
class Table:
    code: str
    title: str
    unit: str
    columns: list[tuple[str, str]]
    rows: list[Row]
    note: str = ""  # what the figures mean where the registry limits them
    unavailable: str = ""  # why the table has no figures (then every value is None)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def value(self, row: str, column: str) -> int | None:
        return self.row(row).values[column]


@dataclass
class Overfull:
    """A union covering one workplace with more members on the day than the workplace's employees."""

    union_id: int
    union_name: str
    union_path: str
    members: int
    workplace_id: int
    workplace_name: str
    employees: int


@dataclass
class AnnualTables:
    node_id: int | None
    node_name: str
    as_of: dt.date
    tables: list[Table]
    overfull: list[Overfull] = field(default_factory=list)

    def table(self, code: str) -> Table:
        return next(t for t in self.tables if t.code == code)

    def value(self, code: str, row: str, column: str) -> int | None:
        return self.table(code).value(row, column)

    def grid(self) -> dict[tuple[str, str, str], int | None]:
        """Every value by (table, row, column)."""
        return {(t.code, r.key, c): r.values[c] for t in self.tables for r in t.rows for c, _ in t.columns}

    def summary(self) -> dict[str, int | None]:
        """The headline figures (the command's --json keys)."""
        return {
            "grassroots_unions": self.value("T1", TOTAL, "unions"),
            "members": self.value("T3", TOTAL, "members"),
            "women_members": self.value("T3", TOTAL, "women"),
            "migrant_members": self.value("T3", TOTAL, "migrant"),
            "new_form_members": self.value("T3", TOTAL, "new_form"),
            "workplaces": self.value("T4", TOTAL, "workplaces"),
            "workplaces_covered": self.value("T4", TOTAL, "covered"),
        }


def build_tables(
    node_id: int | None,
    node_name: str,
    as_of: dt.date,
    vector: Sequence[int] | np.ndarray,
    withheld: str = "",
    overfull: list[Overfull] | None = None,
) -> AnnualTables:
    """The fixed tables from one row of figures (totals are the sums of their sub-rows)."""
    vector = [int(v) for v in vector]
    flags_note = FLAGS_CURRENT.format(day=cn_date(as_of)) if as_of < timezone.localdate() else ""
    tables = []
    for spec in SPECS:
        columns = list(spec.columns)
        unavailable = ""
        if spec.code == "T5":
            unavailable = CADRES_NOT_HELD
        elif spec.code in WORKPLACE_TABLES and withheld:
            unavailable = withheld
        rows = []
        totals: dict[str, int | None] = {c: (None if unavailable else 0) for c, _ in columns}
        for key, label in spec.rows[1:]:
            values: dict[str, int | None] = {}
            for c, _ in columns:
                if unavailable:
                    values[c] = None
                    continue
                v = vector[KEY_INDEX[(spec.code, key, c)]]
                values[c] = v
                totals[c] = (totals[c] or 0) + v
            rows.append(Row(key, label, values))
        total_key, total_label = spec.rows[0]
        rows.insert(0, Row(total_key, total_label, totals, is_total=True))
        note = flags_note if spec.code == "T3" else ""
        tables.append(Table(spec.code, spec.title, spec.unit, columns, rows, note, unavailable))
    return AnnualTables(node_id, node_name, as_of, tables, overfull or [])


# -- set-based computation ----------------------------------------------------------------------------


@dataclass
class AnnualRollup:
    """Every node's figures of a subtree on one day, summed upward."""

    as_of: dt.date
    ids: list[int]
    names: dict[int, str]
    paths: dict[int, str]
    parents: dict[int, int | None]
    kinds: dict[int, str]
    matrix: np.ndarray  # subtree sums, one row per union
    own: np.ndarray  # each union's own contributions
    index: dict[int, int]
    withheld: str
    overfull: list[Overfull]

    def __post_init__(self) -> None:
        self._children: dict[int | None, list[int]] = defaultdict(list)
        for uid in self.ids:
            self._children[self.parents[uid]].append(uid)
        # Each failing union under every ancestor in the subtree (a few ancestors each).
        self._overfull: dict[str, list[Overfull]] = defaultdict(list)
        for o in self.overfull:
            for end in range(PATH_STEP, len(o.union_path) + 1, PATH_STEP):
                self._overfull[o.union_path[:end]].append(o)

    def tables(self, union_id: int) -> AnnualTables:
        over = self._overfull.get(self.paths[union_id], [])
        return build_tables(
            union_id, self.names[union_id], self.as_of, self.matrix[self.index[union_id]], self.withheld, over
        )

    def children(self, union_id: int) -> list[int]:
        return self._children.get(union_id, [])

    def sub_units(self, union_id: int) -> list[AnnualTables]:
        """The tables of the node's direct sub-units, plus its own part (本级: members it holds itself,
        workplaces it governs directly) when there is one: together they must add up to the node."""
        subs = [self.tables(c) for c in self.children(union_id)]
        own = self.own[self.index[union_id]]
        if own.any():
            subs.append(
                build_tables(None, f"{self.names[union_id]}（本级）", self.as_of, own, self.withheld, [])
            )
        return subs

    def federations(self) -> list[int]:
        return [i for i in self.ids if self.kinds[i] not in GRASSROOTS_KINDS]


class _Cells:
    """(row, column, value) triples gathered in Python and added into the matrix at once (one numpy
    call instead of a million item updates)."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.values: list[int] = []

    def add(self, row: int, table: str, key: str, column: str, value: int) -> None:
        if value:
            self.rows.append(row)
            self.cols.append(KEY_INDEX[(table, key, column)])
            self.values.append(value)

    def into(self, matrix: np.ndarray) -> None:
        np.add.at(
            matrix, (np.array(self.rows, dtype=np.int64), np.array(self.cols, dtype=np.int64)), self.values
        )


@contextmanager
def _big_aggregates() -> Iterator[None]:
    """A few large grouped queries: JIT compilation costs seconds and buys nothing here, and the hash
    tables of 100,000 unions want more than the default 4 MB before they spill to disk."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _members_by_union(root: UnionOrg, as_of: dt.date) -> dict[int, list[int]]:
    """Members held on ``as_of`` per union: [members, women, migrant, new_form]."""
    women = Q(sex=Sex.FEMALE)
    migrant = Q(is_migrant_worker=True)
    new_form = Q(new_form_group__isnull=False)
    now = Member.objects.filter(status__in=HELD_STATUSES)
    if root.parent_id is not None:  # the whole tree needs no path filter (nor the join it costs)
        now = now.filter(union__path__startswith=root.path)
    rows = (
        now.values("union_id")
        .annotate(
            n=Count("id"),
            w=Count("id", filter=women),
            m=Count("id", filter=migrant),
            f=Count("id", filter=new_form),
        )
        .order_by()
    )
    out: dict[int, list[int]] = {r["union_id"]: [r["n"], r["w"], r["m"], r["f"]] for r in rows}
    # Events after the day: take their net off today's figures.
    after = MembershipEvent.objects.filter(date__gt=as_of)
    if root.parent_id is not None:
        after = after.filter(union__path__startswith=root.path)
    later = (
        after.values("union_id")
        .annotate(
            n=Sum("delta"),
            w=Sum("delta", filter=Q(member__sex=Sex.FEMALE)),
            m=Sum("delta", filter=Q(member__is_migrant_worker=True)),
            f=Sum("delta", filter=Q(member__new_form_group__isnull=False)),
        )
        .order_by()
    )
    for r in later:
        values = out.setdefault(r["union_id"], [0, 0, 0, 0])
        for i, net in enumerate((r["n"], r["w"], r["m"], r["f"])):
            values[i] -= net or 0
    return out


def retained_events(as_of: dt.date) -> Q:
    """A 保留 event up to the day not followed (by the day) by the member leaving that union."""
    leaving = MembershipEvent.objects.filter(
        member_id=OuterRef("member_id"),
        kind__in=[EventKind.TRANSFER_OUT, EventKind.EXIT, EventKind.REMOVE],
        date__lte=as_of,
    ).filter(Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), id__gt=OuterRef("id")))
    return Q(kind=EventKind.RETAIN, date__lte=as_of) & ~Q(Exists(leaving))


def _retained_by_union(root: UnionOrg, as_of: dt.date) -> dict[int, list[int]]:
    rows = (
        MembershipEvent.objects.filter(retained_events(as_of), union__path__startswith=root.path)
        .values("union_id")
        .annotate(
            n=Count("id"),
            w=Count("id", filter=Q(member__sex=Sex.FEMALE)),
            m=Count("id", filter=Q(member__is_migrant_worker=True)),
            f=Count("id", filter=Q(member__new_form_group__isnull=False)),
        )
        .order_by()
    )
    return {r["union_id"]: [r["n"], r["w"], r["m"], r["f"]] for r in rows}


def covered_on(as_of: dt.date, kinds: Iterable[str] | None = None) -> Exists:
    """The workplace (OuterRef ``workplace_id``) is covered on the day by a union that existed then."""
    links = (
        UnionCoverage.objects.filter(workplace_id=OuterRef("workplace_id"))
        .filter(union_existed(as_of, "unionorg__"))
        .filter(link_made(as_of))
    )
    if kinds is not None:
        links = links.filter(unionorg__kind__in=list(kinds))
    return Exists(links)


def _workplaces_by_governor(root: UnionOrg, as_of: dt.date):
    """The workplaces present on the day, grouped by (governing union, ownership) as their dated state
    had them."""
    states = (
        WorkplaceState.objects.filter(state_valid(as_of), governing_union__path__startswith=root.path)
        .filter(workplace_present(as_of, "workplace__"))
        .annotate(cov=covered_on(as_of), cov_joint=covered_on(as_of, JOINT_KINDS))
    )
    return (
        states.values("governing_union_id", "ownership")
        .annotate(
            workplaces=Count("id"),
            covered=Count("id", filter=Q(cov=True)),
            covered_joint=Count("id", filter=Q(cov_joint=True)),
            employees=Sum("employee_count"),
            employees_covered=Sum("employee_count", filter=Q(cov=True)),
            congress=Count("id", filter=flag_on("workers_congress", as_of)),
            open_affairs=Count("id", filter=flag_on("open_affairs", as_of)),
            director=Count("id", filter=flag_on("employee_director", as_of)),
            supervisor=Count("id", filter=flag_on("employee_supervisor", as_of)),
        )
        .order_by()
    )


def _coverage_of_unions(root: UnionOrg, as_of: dt.date):
    """(union, workplace, ownership, employees, workplace name) of every link counting on the day."""
    return (
        UnionCoverage.objects.filter(unionorg__path__startswith=root.path)
        .filter(link_made(as_of))
        .filter(workplace_present(as_of, "workplace__"))
        .filter(state_valid(as_of, "workplace__states__"))
        .values_list(
            "unionorg_id",
            "workplace_id",
            "workplace__states__ownership",
            "workplace__states__employee_count",
            "workplace__name",
        )
        .order_by()
    )


def compute_per_node(root: UnionOrg, as_of: dt.date) -> AnnualRollup:
    """Every node of ``root``'s subtree on ``as_of``, summed upward, from grouped queries over the whole
    subtree (no query per node)."""
    with _big_aggregates():
        return _compute_per_node(root, as_of)


def _compute_per_node(root: UnionOrg, as_of: dt.date) -> AnnualRollup:
    start, _ = statistical_year(as_of)
    unions = list(
        UnionOrg.objects.filter(path__startswith=root.path)
        .annotate(existed=ExpressionWrapper(union_existed(as_of), output_field=BooleanField()))
        .values_list("id", "parent_id", "path", "depth", "kind", "name", "founded_on", "existed")
        .order_by("path")
    )
    ids = [u[0] for u in unions]
    index = {uid: i for i, uid in enumerate(ids)}
    own = np.zeros((len(ids), len(KEYS)), dtype=np.int64)

    members = _members_by_union(root, as_of)
    retained = _retained_by_union(root, as_of)
    coverage: dict[int, list[tuple]] = defaultdict(list)
    for union_id, wp_id, ownership, employees, wp_name in _coverage_of_unions(root, as_of):
        coverage[union_id].append((wp_id, ownership, employees, wp_name))

    overfull: list[Overfull] = []
    cells = _Cells()
    for uid, _parent, path, _depth, kind, name, founded_on, existed in unions:
        row = index[uid]
        held = members.get(uid, [0, 0, 0, 0])
        kept = retained.get(uid, [0, 0, 0, 0])
        for column, h, r in zip(("members", "women", "migrant", "new_form"), held, kept, strict=True):
            cells.add(row, "T3", "active", column, h - r)
            cells.add(row, "T3", "retained", column, r)
        if kind not in GRASSROOTS_KINDS or not existed:
            continue
        cells.add(row, "T1", kind, "unions", 1)
        cells.add(row, "T1", kind, "new", int(founded_on is not None and start <= founded_on <= as_of))
        cells.add(row, "T1", kind, "members", held[0])
        links = coverage.get(uid, [])
        owners = {link[1] for link in links}
        cls = UNCOVERED if not owners else (owners.pop() if len(owners) == 1 else MIXED)
        cells.add(row, "T2", cls, "unions", 1)
        cells.add(row, "T2", cls, "members", held[0])
        if kind == UnionKind.COMMITTEE and len(links) == 1 and held[0] > links[0][2]:
            wp_id, _o, employees, wp_name = links[0]
            overfull.append(Overfull(uid, name, path, held[0], wp_id, wp_name, employees))

    for r in _workplaces_by_governor(root, as_of):
        governor = index.get(r["governing_union_id"])
        if governor is None:
            continue
        for column in ("workplaces", "covered", "covered_joint", "employees", "employees_covered"):
            cells.add(governor, "T4", r["ownership"], column, r[column] or 0)
        for column in ("workplaces", "congress", "open_affairs", "director", "supervisor"):
            cells.add(governor, "T6", r["ownership"], column, r[column] or 0)

    cells.into(own)
    # Sum upward: deepest level first, each level's rows added into their parents' rows.
    matrix = own.copy()
    depths = np.array([u[3] for u in unions], dtype=np.int64)
    parent_rows = np.array([index.get(u[1], -1) if u[1] is not None else -1 for u in unions], dtype=np.int64)
    for depth in range(int(depths.max()) if len(ids) else 0, root.depth, -1):
        rows = np.nonzero((depths == depth) & (parent_rows >= 0))[0]
        np.add.at(matrix, parent_rows[rows], matrix[rows])

    return AnnualRollup(
        as_of=as_of,
        ids=ids,
        names={u[0]: u[5] for u in unions},
        paths={u[0]: u[2] for u in unions},
        parents={u[0]: u[1] for u in unions},
        kinds={u[0]: u[4] for u in unions},
        matrix=matrix,
        own=own,
        index=index,
        withheld=unavailable_reason(root, as_of) or "",
        overfull=overfull,
    )


def compute(node: UnionOrg, as_of: dt.date) -> AnnualTables:
    """The 年报 tables of ``node``'s subtree on ``as_of`` (set-based)."""
    return compute_per_node(node, as_of).tables(node.pk)


# -- the straightforward computation (reference for tests and the bench) ------------------------------


def compute_direct(node: UnionOrg, as_of: dt.date) -> AnnualTables:
    """The same tables for one node, counted directly: members as the net of the node's events up to
    the day (joined with the members for the 其中 columns), unions and workplaces filtered by path. One
    node at a time — the way a report per node would be written without the roll-up."""
    start, _ = statistical_year(as_of)
    vector = np.zeros(len(KEYS), dtype=np.int64)

    def put(table: str, key: str, column: str, value: int | None) -> None:
        if value:
            vector[KEY_INDEX[(table, key, column)]] += value

    events = MembershipEvent.objects.filter(date__lte=as_of, union__path__startswith=node.path)
    sums = {
        "members": Sum("delta"),
        "women": Sum("delta", filter=Q(member__sex=Sex.FEMALE)),
        "migrant": Sum("delta", filter=Q(member__is_migrant_worker=True)),
        "new_form": Sum("delta", filter=Q(member__new_form_group__isnull=False)),
    }
    held = events.aggregate(**sums)
    kept = MembershipEvent.objects.filter(
        retained_events(as_of), union__path__startswith=node.path
    ).aggregate(
        members=Count("id"),
        women=Count("id", filter=Q(member__sex=Sex.FEMALE)),
        migrant=Count("id", filter=Q(member__is_migrant_worker=True)),
        new_form=Count("id", filter=Q(member__new_form_group__isnull=False)),
    )
    for column in sums:
        put("T3", "active", column, (held[column] or 0) - (kept[column] or 0))
        put("T3", "retained", column, kept[column] or 0)

    grassroots = UnionOrg.objects.filter(path__startswith=node.path, kind__in=GRASSROOTS_KINDS).filter(
        union_existed(as_of)
    )
    per_union = dict(
        MembershipEvent.objects.filter(date__lte=as_of, union__in=grassroots)
        .values("union_id")
        .annotate(n=Sum("delta"))
        .order_by()
        .values_list("union_id", "n")
    )
    owners: dict[int, set[str]] = defaultdict(set)
    for uid, ownership in _coverage_of_unions(node, as_of).values_list(
        "unionorg_id", "workplace__states__ownership"
    ):
        owners[uid].add(ownership)
    for uid, kind, founded_on in grassroots.values_list("id", "kind", "founded_on"):
        n = per_union.get(uid) or 0
        put("T1", kind, "unions", 1)
        put("T1", kind, "new", int(founded_on is not None and start <= founded_on <= as_of))
        put("T1", kind, "members", n)
        o = owners.get(uid, set())
        cls = UNCOVERED if not o else (next(iter(o)) if len(o) == 1 else MIXED)
        put("T2", cls, "unions", 1)
        put("T2", cls, "members", n)

    for r in _workplaces_by_governor(node, as_of):
        for column in ("workplaces", "covered", "covered_joint", "employees", "employees_covered"):
            put("T4", r["ownership"], column, r[column])
        for column in ("workplaces", "congress", "open_affairs", "director", "supervisor"):
            put("T6", r["ownership"], column, r[column])
    return build_tables(node.pk, node.name, as_of, vector, unavailable_reason(node, as_of) or "")


__all__ = [
    "AnnualRollup",
    "AnnualTables",
    "compute",
    "compute_direct",
    "compute_per_node",
    "statistical_year",
]
