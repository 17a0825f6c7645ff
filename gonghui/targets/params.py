"""What the targets and reports pages read from a request: the statistics date, the plan the user may see."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404

from gonghui.core.params import parse_date
from gonghui.orgs.models import UnionOrg

from .models import TargetPlan


def as_of_from(request, default: dt.date | None = None) -> dt.date:
    return date_param(request.GET.get("as_of"), default)


def date_param(raw: str | None, default: dt.date | None = None, label: str = "统计日期") -> dt.date:
    """A date typed in the address (?as_of=…): a malformed one is a 400 that says so, not today."""
    return parse_date(raw, label) or default or dt.date.today()


def default_as_of(plan: TargetPlan) -> dt.date:
    return min(dt.date.today(), dt.date(plan.year, 12, 31))


def visible_plan(request, pk: int) -> TargetPlan:
    return get_object_or_404(TargetPlan.objects.visible_to(request.user).select_related("issuer"), pk=pk)


def visible_union_ids(user, ids) -> set[int]:
    return set(UnionOrg.objects.visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def year_finished(plan: TargetPlan, as_of: dt.date) -> bool:
    """As of 31 December or later the year's figures are final: nothing left to forecast."""
    return as_of >= dt.date(plan.year, 12, 31)
