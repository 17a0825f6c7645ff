"""What a province publishes for the national roll-up, written in its own database (the publication
replicates it): the dated node snapshots, and the digests of held memberships kept in step with every
join and exit (``on_held`` / ``on_ended``, called inside the membership's transaction through
core.hooks) and re-synchronised in full by ``publish_national`` (nightly).

The figures are the targets machinery's, not counted again here: members and this year's growth from the
growth cube (``cube.node_summary``: the dashboard's headline), the categories from the cube's all-time
net per category, the grassroots unions and every indicator's numerator and denominator from the day's
stored indicator result (``indicators.store``: the indicator page's figures), the target progress from
the node's plan of the year (``services.figures_for``: the plan page's totals)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import crypto
from gonghui.members.models import HELD_STATUSES, Member
from gonghui.orgs.models import FEDERATION_KINDS, UnionOrg
from gonghui.regions.models import Region
from gonghui.targets import cube, indicators
from gonghui.targets import services as target_services
from gonghui.targets.models import IndicatorResult, TargetPlan

from . import keys
from .models import MembershipHash, NodeSnapshot, Province

# The nodes published: the province and its cities and counties (the levels targets are set for).
MAX_DEPTH = 2
EPOCH = dt.date(1900, 1, 1)


class PublishError(Exception):
    """The province cannot publish (no code, no key, no region row); ``str(exc)`` says why in Chinese."""


def province_code() -> str:
    code = settings.GONGHUI_PROVINCE_CODE
    if not code:
        raise PublishError("未设置 GONGHUI_PROVINCE_CODE（本省的两位行政区划代码），不能发布全国汇总数据")
    return code


def ensure_province() -> Province:
    code = province_code()
    region = Region.objects.filter(code=f"{code}0000").first()
    if region is None:
        raise PublishError(f"行政区划中没有代码为 {code}0000 的省份：请先运行 load_regions --province {code}")
    province, _ = Province.objects.update_or_create(code=code, defaults={"name": region.name})
    return province


def nodes() -> list[UnionOrg]:
    return list(
        UnionOrg.objects.filter(
            kind__in=FEDERATION_KINDS, status=UnionOrg.Status.ACTIVE, depth__lte=MAX_DEPTH
        ).order_by("path")
    )


def _indicator_values(node: UnionOrg, day: dt.date) -> dict[str, Any]:
    stored = IndicatorResult.objects.filter(node=node, day=day).first()
    return (stored or indicators.store(node, day)).values


def _targets(node: UnionOrg, day: dt.date) -> list[dict[str, Any]]:
    plan = TargetPlan.objects.filter(issuer=node, year=day.year).order_by("-pk").first()
    if plan is None:
        return []
    figures = target_services.figures_for(plan, day)
    cells = figures["total"]["cells"]
    return [
        {
            "code": m["code"],
            "name": m["name"],
            "unit": m["unit"],
            "target": cells[m["code"]]["target"],
            "actual": cells[m["code"]]["actual"],
        }
        for m in figures["metrics"]
    ]


def snapshot_row(node: UnionOrg, day: dt.date, code: str, now: dt.datetime) -> NodeSnapshot:
    summary = cube.node_summary(node.path, dt.date(day.year, 1, 1), day)
    all_time = cube.growth([node.path], EPOCH, day)[node.path]
    values = _indicator_values(node, day)
    ind = {
        i["code"]: {
            "name": i["name"],
            "num": i["total"]["num"],
            "den": i["total"]["den"],
            "per": i.get("per", 100),
        }
        for i in values.get("indicators", [])
        if "total" in i
    }
    legal = ind.get("legal_entity_coverage", {"num": 0, "den": 0})
    return NodeSnapshot(
        province_code=code,
        node_path=node.path,
        as_of=day,
        node_name=node.name,
        depth=node.depth,
        members=summary["total_net"],
        migrant_members=all_time["net_migrant"],
        new_form_members=all_time["net_new_form"],
        year_joined=summary["year"]["joined"],
        year_net=summary["year"]["net"],
        grassroots_unions=values.get("grassroots_unions") or 0,
        workplaces=legal["den"],
        workplaces_covered=legal["num"],
        indicators=ind,
        targets=_targets(node, day),
        published_at=now,
    )


def publish_snapshot(day: dt.date | None = None) -> dict[str, Any]:
    """Write the day's snapshot of every published node (replacing that day's rows, if any)."""
    started = time.perf_counter()
    day = day or timezone.localdate()
    code = province_code()
    cube.refresh()
    now = timezone.now()
    rows = [snapshot_row(node, day, code, now) for node in nodes()]
    with transaction.atomic():
        province = ensure_province()
        NodeSnapshot.objects.filter(province_code=code, as_of=day).delete()
        NodeSnapshot.objects.bulk_create(rows)
        province.published_at = now
        province.save(update_fields=["published_at"])
    return {"nodes": len(rows), "as_of": day, "seconds": time.perf_counter() - started}


# ------------------------------------------------------------------------------------ the hash table
def on_held(numbers: Iterable[str]) -> None:
    """Hook ``membership.held``: these IDs hold a membership now (inside the writer's transaction)."""
    if not keys.enabled():
        return
    code = settings.GONGHUI_PROVINCE_CODE
    MembershipHash.objects.bulk_create(
        [MembershipHash(province_code=code, digest=keys.digest(n)) for n in numbers],
        ignore_conflicts=True,
        batch_size=2000,
    )


def on_ended(numbers: Iterable[str]) -> None:
    """Hook ``membership.ended``: these IDs hold no membership here any more."""
    if not keys.enabled():
        return
    digests = [keys.digest(n) for n in numbers]
    MembershipHash.objects.filter(province_code=settings.GONGHUI_PROVINCE_CODE, digest__in=digests).delete()


def held_digests() -> set[str]:
    """The digest of every held membership, from the register itself (decrypting each ID)."""
    out = set()
    rows = Member.objects.filter(status__in=HELD_STATUSES).values_list("id_number_enc", flat=True)
    for sealed in rows.iterator(chunk_size=5000):
        out.add(keys.digest(crypto.decrypt(sealed)))
    return out


def sync_hashes() -> dict[str, int]:
    """Make the province's hash rows exactly the held memberships: add the missing, delete the stale.
    Rows are changed one by one (never a TRUNCATE), so the national copy never flashes empty and the
    replication carries only the difference."""
    if not keys.enabled():
        raise PublishError("未设置 GONGHUI_NATIONAL_KEY 或 GONGHUI_PROVINCE_CODE，不能同步会籍摘要")
    code = settings.GONGHUI_PROVINCE_CODE
    wanted = held_digests()
    with transaction.atomic():
        province = ensure_province()
        if connection.vendor == "postgresql":
            added, removed = _sync_postgres(code, wanted)
        else:
            have = set(MembershipHash.objects.filter(province_code=code).values_list("digest", flat=True))
            MembershipHash.objects.bulk_create(
                [MembershipHash(province_code=code, digest=d) for d in wanted - have], batch_size=2000
            )
            stale = list(have - wanted)
            for start in range(0, len(stale), 2000):
                MembershipHash.objects.filter(
                    province_code=code, digest__in=stale[start : start + 2000]
                ).delete()
            added, removed = len(wanted - have), len(stale)
        province.hashes_synced_at = timezone.now()
        province.save(update_fields=["hashes_synced_at"])
    return {"held": len(wanted), "added": added, "removed": removed}


def _sync_postgres(code: str, wanted: set[str]) -> tuple[int, int]:
    table = MembershipHash._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE national_wanted (digest varchar(64) PRIMARY KEY) ON COMMIT DROP")
        with cursor.cursor.copy("COPY national_wanted (digest) FROM STDIN") as copy:
            for d in wanted:
                copy.write_row((d,))
        cursor.execute(
            f"INSERT INTO {table} (province_code, digest) SELECT %s, digest FROM national_wanted "
            "ON CONFLICT DO NOTHING",
            [code],
        )
        added = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {table} t WHERE t.province_code = %s "
            "AND NOT EXISTS (SELECT 1 FROM national_wanted w WHERE w.digest = t.digest)",
            [code],
        )
        removed = cursor.rowcount
        # Dropped now, not only at commit: a caller's outer transaction may sync again before it commits.
        cursor.execute("DROP TABLE national_wanted")
    return added, removed
