"""Matching directory rows to the registry's workplaces, set-based: one query per batch of USCCs and one
per batch of normalised names (``Workplace.name_normalized``, indexed), never a query per row.

The rules, precision first (a wrong automatic link is worse than a question):

1. the same USCC → that workplace (按代码, 100);
2. otherwise the same normalised name **in the same county** → linked automatically (按名称) only when
   exactly one workplace there has it, no other row of the file has the same county and name, no other
   row took that workplace by code, and the workplace's own USCC (if any) is not a different one;
   confidence 95 when the names are equal as typed, 85 when only the normalised forms are;
3. several such workplaces, a name shared inside the file, or the same name only in other counties →
   a question for the confirm page (待确认) with every candidate; a cross-county match is never automatic;
4. nothing → 新单位.

A decision a user made on the confirm page (人工确认, or 「新单位」) stands through later imports.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from gonghui.core.normalize import clean_text
from gonghui.imports.engine import batches
from gonghui.orgs.models import UnionOrg, Workplace
from gonghui.regions.models import Region

from .models import DirectoryEntry, DirectorySource, MatchCandidate, MatchMethod

BATCH = 5000

CONFIDENCE_CODE = 100
CONFIDENCE_SAME_NAME = 95  # automatic, the names equal as typed
CONFIDENCE_NORMALISED = 85  # automatic, equal once normalised
CANDIDATE_SAME_NAME = 80  # a question: same county, names equal as typed
CANDIDATE_NORMALISED = 70  # a question: same county, equal once normalised
CANDIDATE_OTHER_COUNTY = 50  # a question: the name only in another county


@dataclass(slots=True)
class EntryRow:
    """One valid, first-of-its-key row of a directory file, normalised."""

    index: int
    key: str
    uscc: str | None
    name: str
    name_normalized: str
    county: Region
    territory: UnionOrg
    legal_representative: str = ""
    registration_status: str = ""
    is_closed: bool = False
    founded_on: dt.date | None = None
    registered_capital: str = ""
    employees: int | None = None
    address: str = ""
    industry: str = ""
    industry_text: str = ""


@dataclass(slots=True)
class Candidate:
    workplace_id: int
    confidence: int
    reason: str


@dataclass(slots=True)
class Outcome:
    method: str  # MatchMethod
    workplace_id: int | None = None
    confidence: int = 0
    territory_id: int | None = None  # the matched workplace's governing union when under the county's
    candidates: list[Candidate] = field(default_factory=list)
    existing: int | None = None  # the entry's pk when the source already lists it
    kept: bool = False  # a user's decision, left as it is

    @property
    def label(self) -> str:
        if self.kept:
            return MatchMethod(self.method).label
        return {
            MatchMethod.CODE: "按代码",
            MatchMethod.NAME: "按名称",
            MatchMethod.UNCERTAIN: "待确认",
        }.get(self.method, "新单位")

    @property
    def report_workplace_id(self) -> int | None:
        """The linked workplace, or for a question its best candidate."""
        if self.workplace_id:
            return self.workplace_id
        return self.candidates[0].workplace_id if self.candidates else None

    @property
    def method_count_key(self) -> str:
        return {
            MatchMethod.CODE: "matched_code",
            MatchMethod.NAME: "matched_name",
            MatchMethod.MANUAL: "matched_name",
            MatchMethod.UNCERTAIN: "uncertain",
        }.get(self.method, "new")


@dataclass(slots=True)
class _Workplace:
    pk: int
    name: str
    county_code: str
    uscc: str | None
    union_id: int
    union_path: str


def _workplaces(rows) -> list[_Workplace]:
    return [
        _Workplace(pk, name, (code or "")[:6], uscc, union_id, path)
        for pk, name, code, uscc, union_id, path in rows
    ]


_FIELDS = ("pk", "name", "region__code", "uscc", "governing_union_id", "governing_union__path")


def match_rows(rows: list[EntryRow], scope, source: DirectorySource | None = None) -> dict[str, Outcome]:
    """The outcome of every row (by its key). ``scope`` (a union, None for everything) bounds the
    cross-county candidates offered; ``source`` gives the entries already listed (and their decisions)."""
    outcomes: dict[str, Outcome] = {}
    existing: dict[str, tuple] = {}
    if source is not None:
        for batch in batches([r.key for r in rows], BATCH):
            for values in DirectoryEntry.objects.filter(source=source, key__any=batch).order_by().values_list(
                "key", "pk", "workplace_id", "match_method", "match_confidence", "confirmed_by_id",
                "confirmed_at", "territory_id",
            ):  # fmt: skip
                existing[values[0]] = values[1:]

    # 1. by code: one query per batch of USCCs.
    by_code: dict[str, _Workplace] = {}
    for batch in batches(sorted({r.uscc for r in rows if r.uscc}), BATCH):
        for w in _workplaces(Workplace.objects.filter(uscc__any=batch).order_by().values_list(*_FIELDS)):
            by_code[w.uscc or ""] = w
    taken_by_code = {by_code[r.uscc].pk for r in rows if r.uscc in by_code}

    # 2. by normalised name: one query per batch of names; grouped by county in memory.
    pending = [r for r in rows if r.uscc not in by_code]
    by_name: dict[str, list[_Workplace]] = defaultdict(list)
    for batch in batches(sorted({r.name_normalized for r in pending}), BATCH):
        for w, norm in _with_norm(Workplace.objects.filter(name_normalized__any=batch).order_by()):
            by_name[norm].append(w)
    # The same name as typed, for the other-county questions (the county prefixes stripped differ).
    by_typed: dict[str, list[_Workplace]] = defaultdict(list)
    for batch in batches(sorted({clean_text(r.name) for r in pending}), BATCH):
        for w in _workplaces(Workplace.objects.filter(name__any=batch).order_by().values_list(*_FIELDS)):
            by_typed[w.name].append(w)
    in_file = Counter((r.county.code, r.name_normalized) for r in pending)

    for row in rows:
        previous = existing.get(row.key)
        if previous is not None and previous[5] is not None:  # confirmed by a user: theirs stands
            pk, workplace_id, method, confidence, _by, _at, territory_id = previous
            outcomes[row.key] = Outcome(
                method, workplace_id, confidence, territory_id, existing=pk, kept=True
            )
            continue
        outcome = _decide(row, by_code, by_name, by_typed, in_file, taken_by_code, scope)
        outcome.existing = previous[0] if previous else None
        outcomes[row.key] = outcome
    return outcomes


def _with_norm(qs):
    for pk, name, code, uscc, union_id, path, norm in qs.values_list(*_FIELDS, "name_normalized"):
        yield _Workplace(pk, name, (code or "")[:6], uscc, union_id, path), norm


def _territory(row: EntryRow, w: _Workplace) -> int:
    """The workplace's governing union when it lies under the entry's county union (a township sees
    its own), else the county union."""
    return w.union_id if w.union_path.startswith(row.territory.path) else row.territory.pk


def _decide(row, by_code, by_name, by_typed, in_file, taken_by_code, scope) -> Outcome:
    if row.uscc and row.uscc in by_code:
        w = by_code[row.uscc]
        return Outcome(MatchMethod.CODE, w.pk, CONFIDENCE_CODE, _territory(row, w))
    typed = clean_text(row.name)
    same, other = [], []
    for w in by_name.get(row.name_normalized, ()):
        if row.uscc and w.uscc and w.uscc != row.uscc:
            continue  # two different codes: two different registrants, whatever the names
        (same if w.county_code == row.county.code else other).append(w)
    seen = {w.pk for w in same} | {w.pk for w in other}
    other += [
        w
        for w in by_typed.get(typed, ())
        if w.pk not in seen
        and w.county_code != row.county.code
        and not (row.uscc and w.uscc and w.uscc != row.uscc)
    ]
    if (
        len(same) == 1
        and in_file[(row.county.code, row.name_normalized)] == 1
        and same[0].pk not in taken_by_code
    ):
        w = same[0]
        confidence = CONFIDENCE_SAME_NAME if clean_text(w.name) == typed else CONFIDENCE_NORMALISED
        return Outcome(MatchMethod.NAME, w.pk, confidence, _territory(row, w))
    candidates = [
        Candidate(
            w.pk,
            CANDIDATE_SAME_NAME if clean_text(w.name) == typed else CANDIDATE_NORMALISED,
            "同一区县，名称相同" if clean_text(w.name) == typed else "同一区县，规范化名称相同",
        )
        for w in same
    ]
    candidates += [
        Candidate(w.pk, CANDIDATE_OTHER_COUNTY, "其他区县的同名单位")
        for w in other
        if scope is None or w.union_path.startswith(scope.path)
    ]
    if not candidates:
        return Outcome(MatchMethod.NEW, None, 0, row.territory.pk)
    candidates.sort(key=lambda c: (-c.confidence, c.workplace_id))
    return Outcome(MatchMethod.UNCERTAIN, None, candidates[0].confidence, row.territory.pk, candidates)


def rejected_pairs(entry_ids: list[int]) -> set[tuple[int, int]]:
    """(entry, workplace) pairs a user has rejected: never offered again."""
    pairs: set[tuple[int, int]] = set()
    for batch in batches(entry_ids, BATCH):
        pairs.update(
            MatchCandidate.objects.filter(entry__id__any=batch, decision=MatchCandidate.Decision.REJECTED)
            .order_by()
            .values_list("entry_id", "workplace_id")
        )
    return pairs
