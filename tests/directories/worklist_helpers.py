"""Directory entries for the worklist tests, written straight (the importer is tested on its own)."""

from __future__ import annotations

import itertools

from gonghui.core.normalize import normalize_org_name
from gonghui.directories.models import DirectoryEntry, DirectorySource, MatchMethod
from gonghui.regions.models import Region

_seq = itertools.count(1)
SOURCE_NAMES = {"market": "市场监管", "tax": "税务"}


def make_entry(
    reg,
    name: str,
    *,
    county: str = "jiujiang",
    employees: int | None = 50,
    workplace=None,
    uscc: str | None = None,
    source: str = "market",
    territory=None,
    legal_representative: str = "张三",
    **extra,
) -> DirectoryEntry:
    region = Region.objects.get(code={"jiujiang": "340207", "jinghu": "340202"}[county])
    normalized = normalize_org_name(name, region.code)
    return DirectoryEntry.objects.create(
        # get_or_create: a transactional test (the browser test) may run after a flush of the seeded rows.
        source=DirectorySource.objects.get_or_create(code=source, defaults={"name": SOURCE_NAMES[source]})[0],
        key=f"U{uscc}" if uscc else f"N{region.code}{normalized}{next(_seq)}",
        uscc=uscc,
        name=name,
        name_normalized=normalized,
        legal_representative=legal_representative,
        employees=employees,
        region=region,
        territory=territory or (workplace.governing_union if workplace else reg.unions[county]),
        workplace=workplace,
        match_method=(MatchMethod.CODE if workplace else MatchMethod.NEW),
        **extra,
    )
