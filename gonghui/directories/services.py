"""The operations that change directories: storing an imported edition, and the answers of the confirm
page (confirm a candidate, reject it, 「新单位」). Each runs in one transaction and writes its audit row."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.imports.engine import batches, copy_line
from gonghui.imports.services import create_job
from gonghui.orgs.models import UnionOrg, Workplace

from .matching import Candidate, EntryRow, Outcome, rejected_pairs
from .models import DirectoryEdition, DirectoryEntry, DirectorySource, MatchCandidate, MatchMethod
from .worklist import refresh_entry

BATCH = 2000
# The entry's fields a new edition rewrites (the match fields follow unless a user decided).
DATA_FIELDS = (
    "uscc", "name", "name_normalized", "legal_representative", "registration_status", "is_closed",
    "founded_on", "registered_capital", "employees", "address", "region_id", "industry", "industry_text",
)  # fmt: skip
MATCH_FIELDS = ("workplace_id", "match_method", "match_confidence", "territory_id")


def create_directory_job(user, path: Path | str, file_name: str, source: DirectorySource, as_of: dt.date):
    """An import job of kind 名录 for a file, with its source and date handed to the importer."""
    return create_job(
        user, "directory", path, file_name, options={"source": source.code, "as_of": as_of.isoformat()}
    )


@dataclass
class Stored:
    edition: DirectoryEdition
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlisted: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # cumulative seconds per step


def _row_values(row: EntryRow) -> dict:
    return {
        "uscc": row.uscc,
        "name": row.name,
        "name_normalized": row.name_normalized,
        "legal_representative": row.legal_representative,
        "registration_status": row.registration_status,
        "is_closed": row.is_closed,
        "founded_on": row.founded_on,
        "registered_capital": row.registered_capital,
        "employees": row.employees,
        "address": row.address,
        "region_id": row.county.pk,
        "industry": row.industry,
        "industry_text": row.industry_text,
    }


def _match_values(outcome: Outcome) -> dict:
    return {
        "workplace_id": outcome.workplace_id,
        "match_method": outcome.method,
        "match_confidence": outcome.confidence,
        "territory_id": outcome.territory_id,
    }


def store_edition(
    source: DirectorySource,
    as_of: dt.date,
    rows: list[EntryRow],
    outcomes: dict[str, Outcome],
    *,
    user=None,
    scope: UnionOrg | None = None,
    job=None,
) -> Stored:
    """Write one edition: its entries created or updated (one per key, never twice), the questions
    for the confirm page, and the entries of the file's counties this edition no longer lists marked
    so (never deleted). The same file of the same source imported again reuses its edition."""
    started = time.perf_counter()
    with transaction.atomic():
        scope_union = scope or UnionOrg.objects.filter(parent=None).order_by("pk").first()
        sha = job.sha256 if job is not None else ""
        edition = (
            DirectoryEdition.objects.filter(source=source, sha256=sha, scope=scope_union).first()
            if sha
            else None
        )
        if scope_union is None:
            raise ValueError("系统中还没有工会组织，不能导入名录")
        if edition is None:
            edition = DirectoryEdition.objects.create(
                source=source,
                as_of=as_of,
                file_name=job.file_name if job is not None else "",
                sha256=sha,
                scope=scope_union,
                imported_by=user if getattr(user, "pk", None) else None,
                import_job=job,
            )
        stored = Stored(edition)
        rejected = rejected_pairs([o.existing for o in outcomes.values() if o.existing])
        for outcome in outcomes.values():
            if outcome.existing and outcome.candidates:
                outcome.candidates = [
                    c for c in outcome.candidates if (outcome.existing, c.workplace_id) not in rejected
                ]
                if outcome.method == MatchMethod.UNCERTAIN and not outcome.candidates:
                    outcome.method, outcome.confidence = MatchMethod.NEW, 0
        new_rows = [r for r in rows if not outcomes[r.key].existing]
        old_rows = [r for r in rows if outcomes[r.key].existing]
        # An older edition imported after a newer one (its 截至日期 earlier than an entry's last
        # edition) tells nothing new about what the newer one listed: those entries keep their data,
        # match and last edition; entries it adds in a county a newer edition covered did not appear in
        # that edition, so they start as no longer listed.
        as_of_by_edition = dict(DirectoryEdition.objects.filter(source=source).values_list("pk", "as_of"))
        counties = {r.county.pk for r in rows}
        superseded = set(
            DirectoryEntry.objects.filter(
                source=source, region_id__in=counties, last_edition__as_of__gt=as_of
            )
            .order_by()
            .values_list("region_id", flat=True)
            .distinct()
        )

        stored.created = _create_entries(source, edition, new_rows, outcomes, superseded)

        stored.timings["create"] = time.perf_counter() - started
        rematched: list[int] = []
        same: list[int] = []
        compared = (*DATA_FIELDS, *MATCH_FIELDS, "is_listed", "last_edition_id")
        now = timezone.now()
        for batch in batches(old_rows, BATCH):
            # Compared as value tuples (no model instances for the rows that did not change).
            current = {
                pk: values
                for pk, *values in DirectoryEntry.objects.filter(
                    id__any=[outcomes[r.key].existing for r in batch]
                )
                .order_by()
                .values_list("pk", *compared)
            }
            changed = []
            for r in batch:
                outcome = outcomes[r.key]
                pk = cast(int, outcome.existing)  # an old row: its entry exists
                stored_values = dict(zip(compared, current[pk], strict=True))
                if as_of_by_edition[stored_values["last_edition_id"]] > as_of:
                    outcome.kept = True  # no re-match either: the newer edition's questions stand
                    stored.unchanged += 1
                    continue
                values = _row_values(r)
                if outcome.kept:
                    values |= {k: stored_values[k] for k in MATCH_FIELDS}
                else:
                    values |= _match_values(outcome)
                    rematched.append(pk)
                if stored_values["is_listed"] and all(stored_values[k] == v for k, v in values.items()):
                    if stored_values["last_edition_id"] != edition.pk:  # the same file again: no write
                        same.append(pk)
                    stored.unchanged += 1
                    continue
                changed.append(
                    DirectoryEntry(
                        pk=outcome.existing, is_listed=True, last_edition=edition, updated_at=now, **values
                    )
                )
            DirectoryEntry.objects.bulk_update(
                changed,
                [*DATA_FIELDS, *MATCH_FIELDS, "is_listed", "last_edition", "updated_at"],
                batch_size=500,
            )
            stored.updated += len(changed)
        _update_ids(same, last_edition_id=edition.pk)

        stored.timings["update"] = time.perf_counter() - started
        # The questions: the pending ones of re-matched entries become exactly this import's (decided
        # ones stay, and a pair already asked is left as it is).
        wanted: dict[tuple[int, int], Candidate] = {
            (cast(int, outcomes[r.key].existing), c.workplace_id): c
            for r in rows
            if not outcomes[r.key].kept
            for c in outcomes[r.key].candidates
        }
        asked: dict[tuple[int, int], int] = {}
        for batch in batches(rematched, BATCH):
            for pk, entry_id, workplace_id, decision in (
                MatchCandidate.objects.filter(entry__id__any=batch)
                .order_by()
                .values_list("pk", "entry_id", "workplace_id", "decision")
            ):
                asked[(entry_id, workplace_id)] = pk if decision == MatchCandidate.Decision.PENDING else 0
        stale = [pk for pair, pk in asked.items() if pk and pair not in wanted]
        for batch in batches(stale, BATCH):
            MatchCandidate.objects.filter(id__any=batch).delete()
        MatchCandidate.objects.bulk_create(
            [
                MatchCandidate(
                    entry_id=entry_id, workplace_id=workplace_id, confidence=c.confidence, reason=c.reason
                )
                for (entry_id, workplace_id), c in wanted.items()
                if (entry_id, workplace_id) not in asked
            ],
            batch_size=BATCH,
        )

        stored.timings["questions"] = time.perf_counter() - started
        # No longer listed: the source's entries in the file's counties this edition did not name (and
        # no newer edition named since). Read as ids, so the update names only those few rows.
        seen = {o.existing for o in outcomes.values()}
        unlisted = [
            pk
            for pk in DirectoryEntry.objects.filter(source=source, region_id__in=counties, is_listed=True)
            .exclude(last_edition=edition)
            .exclude(last_edition__as_of__gt=as_of)
            .order_by()
            .values_list("pk", flat=True)
            .iterator(chunk_size=10000)
            if pk not in seen
        ]
        _update_ids(unlisted, is_listed=False, updated_at=timezone.now())
        stored.unlisted = len(unlisted)
        stored.timings["unlisted"] = time.perf_counter() - started
        counts = {"matched_code": 0, "matched_name": 0, "uncertain": 0, "new": 0, "closed": 0}
        for r in rows:
            counts[outcomes[r.key].method_count_key] += 1
            counts["closed"] += r.is_closed
        for key, value in counts.items():
            setattr(edition, key, value)
        edition.rows = job.rows if job is not None and job.rows else len(rows)
        edition.created, edition.updated, edition.unlisted = stored.created, stored.updated, stored.unlisted
        edition.save()
        audit.log(
            AuditEvent.Action.CREATE,
            edition,
            actor=user,
            detail=f"导入名录：新增 {stored.created}，更新 {stored.updated}，不再列入 {stored.unlisted}",
        )
    stored.timings["commit"] = time.perf_counter() - started
    return stored


ENTRY_COLUMNS = (
    "id", "created_at", "updated_at", "source_id", "key", "first_edition_id", "last_edition_id", "is_listed",
    *DATA_FIELDS, *MATCH_FIELDS,
)  # fmt: skip


def _create_entries(
    source, edition, rows: list[EntryRow], outcomes: dict[str, Outcome], unlisted_counties: set[int]
) -> int:
    """Insert the new entries and note each one's id in its outcome: on PostgreSQL through COPY, the
    ids drawn from the sequence in one statement beforehand; elsewhere bulk_create. Entries in
    ``unlisted_counties`` (a newer edition of the source covered them) start as no longer listed."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        for batch in batches(rows, BATCH):
            made = DirectoryEntry.objects.bulk_create(
                [
                    DirectoryEntry(
                        source=source, key=r.key, first_edition=edition, last_edition=edition,
                        is_listed=r.county.pk not in unlisted_counties,
                        **_row_values(r), **_match_values(outcomes[r.key]),
                    )
                    for r in batch
                ]
            )  # fmt: skip
            for entry in made:
                outcomes[entry.key].existing = entry.pk
        return len(rows)
    table = DirectoryEntry._meta.db_table
    columns = ", ".join(ENTRY_COLUMNS)
    stamp = timezone.now().isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = cursor.fetchone()[0]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for batch in batches(zip(ids, rows, strict=True), BATCH):
                lines = []
                for pk, r in batch:
                    outcome = outcomes[r.key]
                    outcome.existing = pk
                    values = {**_row_values(r), **_match_values(outcome)}
                    lines.append(
                        copy_line(
                            (
                                pk,
                                stamp,
                                stamp,
                                source.pk,
                                r.key,
                                edition.pk,
                                edition.pk,
                                r.county.pk not in unlisted_counties,
                                *(values[k] for k in DATA_FIELDS),
                                *(values[k] for k in MATCH_FIELDS),
                            )
                        )
                    )
                copy.write("".join(lines))
    return len(rows)


def _update_ids(ids: list[int], **values) -> None:
    """UPDATE the entries with these ids: on PostgreSQL one statement with the ids as one array
    parameter (an IN list of 100,000 placeholders costs more to build than to run), elsewhere in
    batches."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        table = DirectoryEntry._meta.db_table
        columns = ", ".join(f"{k} = %s" for k in values)  # the names given are the columns' (…_id)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {columns} WHERE id = ANY(%s)", [*values.values(), ids])
        return
    for batch in batches(ids, 500):
        DirectoryEntry.objects.filter(pk__in=batch).update(**values)


# ---------------------------------------------------------------------- the confirm page
def _check_workplace(actor, workplace: Workplace) -> None:
    if not Workplace.objects.visible_to(actor).filter(pk=workplace.pk).exists():
        raise PermissionDenied("该单位不在您的管辖范围内")


def _territory_for(entry: DirectoryEntry, workplace: Workplace) -> int:
    county_union = entry.territory
    if county_union.kind != "county":
        county_union = next(
            (u for u in reversed(county_union.ancestors()) if u.kind == "county"), county_union
        )
    union = workplace.governing_union
    return union.pk if union.path.startswith(county_union.path) else county_union.pk


def confirm_candidate(candidate: MatchCandidate, *, actor, ip: str | None = None) -> DirectoryEntry:
    """The entry is this workplace: linked (人工确认), the other pending candidates rejected."""
    with transaction.atomic():
        candidate = (
            MatchCandidate.objects.select_for_update()
            .select_related("entry", "workplace")
            .get(pk=candidate.pk)
        )
        if candidate.decision != MatchCandidate.Decision.PENDING:
            raise ValueError("该候选已处理，请刷新页面")
        _check_workplace(actor, candidate.workplace)
        now = timezone.now()
        entry = candidate.entry
        candidate.decision, candidate.decided_by, candidate.decided_at = (
            MatchCandidate.Decision.CONFIRMED,
            actor,
            now,
        )
        candidate.save(update_fields=["decision", "decided_by", "decided_at"])
        entry.candidates.filter(decision=MatchCandidate.Decision.PENDING).update(
            decision=MatchCandidate.Decision.REJECTED, decided_by=actor, decided_at=now
        )
        entry.workplace = candidate.workplace
        entry.match_method = MatchMethod.MANUAL
        entry.match_confidence = 100
        entry.territory_id = _territory_for(entry, candidate.workplace)
        entry.confirmed_by, entry.confirmed_at = actor, now
        entry.save()
        audit.log(
            AuditEvent.Action.UPDATE,
            entry,
            actor=actor,
            ip=ip,
            detail=f"确认匹配单位 #{candidate.workplace_id}",
        )
        refresh_entry(entry, actor=actor, ip=ip)
    return entry


def reject_candidate(candidate: MatchCandidate, *, actor, ip: str | None = None) -> DirectoryEntry:
    """This workplace is not the entry; when no candidate is left the entry counts as 新单位 (not
    confirmed: a workplace registered later may still match it)."""
    with transaction.atomic():
        candidate = MatchCandidate.objects.select_for_update().select_related("entry").get(pk=candidate.pk)
        if candidate.decision != MatchCandidate.Decision.PENDING:
            raise ValueError("该候选已处理，请刷新页面")
        candidate.decision = MatchCandidate.Decision.REJECTED
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.save(update_fields=["decision", "decided_by", "decided_at"])
        entry = candidate.entry
        if not entry.candidates.filter(decision=MatchCandidate.Decision.PENDING).exists():
            entry.match_method, entry.match_confidence = MatchMethod.NEW, 0
            entry.save(update_fields=["match_method", "match_confidence", "updated_at"])
        audit.log(
            AuditEvent.Action.UPDATE,
            entry,
            actor=actor,
            ip=ip,
            detail=f"否定候选单位 #{candidate.workplace_id}",
        )
        refresh_entry(entry, actor=actor, ip=ip)
    return entry


def mark_new(entry: DirectoryEntry, *, actor, ip: str | None = None) -> DirectoryEntry:
    """「新单位」: none of the candidates is the entry; the answer stands through later imports."""
    with transaction.atomic():
        entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
        now = timezone.now()
        entry.candidates.filter(decision=MatchCandidate.Decision.PENDING).update(
            decision=MatchCandidate.Decision.REJECTED, decided_by=actor, decided_at=now
        )
        entry.workplace = None
        entry.match_method, entry.match_confidence = MatchMethod.NEW, 0
        entry.confirmed_by, entry.confirmed_at = actor, now
        entry.save()
        audit.log(
            AuditEvent.Action.UPDATE, entry, actor=actor, ip=ip, detail="确认为新单位（名录中未登记的单位）"
        )
        # The answer changes what is listable: the list shows it now, not at the hourly refresh.
        refresh_entry(entry, actor=actor, ip=ip)
    return entry
