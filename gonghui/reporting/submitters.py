"""Which unions submit a report type: the union kinds it names, ``"county_level"`` standing for the
county-level unions as supervision defines them (``supervision.counties``: counties, and zones placed
directly under a city)."""

from __future__ import annotations

from django.db.models import Q

from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.supervision.counties import county_level_q, is_county_level

from .models import COUNTY_LEVEL, ReportType


def submitters_q(report_type: ReportType, prefix: str = "") -> Q:
    """``Q`` selecting the unions that submit ``report_type`` (``prefix``: the lookup path to the union)."""
    kinds = list(report_type.submitter_kinds or [])
    condition = Q(**{f"{prefix}pk__in": []})
    if COUNTY_LEVEL in kinds:
        condition |= county_level_q(prefix)
    others = [k for k in kinds if k != COUNTY_LEVEL]
    if others:
        condition |= Q(**{f"{prefix}kind__in": others})
    return condition


def is_submitter(report_type: ReportType, node: UnionOrg) -> bool:
    kinds = report_type.submitter_kinds or []
    if node.kind in kinds:
        return True
    return COUNTY_LEVEL in kinds and is_county_level(node)


def submitters_label(report_type: ReportType) -> str:
    names = {k.value: k.label for k in UnionKind}
    names[COUNTY_LEVEL] = "县级工会（含市直属开发区）"
    return "、".join(names.get(k, k) for k in report_type.submitter_kinds or [])
