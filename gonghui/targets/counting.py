"""The counting both indicator passes share — today's (``indicators.raw_counts``) and a past day's
(``asof.raw_counts_as_of``) — so that their definitions cannot drift apart."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from gonghui.orgs.models import NON_PUBLIC, PUBLIC_SECTOR


def grouped(qs, path_lookup: str, length: int, aggregates: dict) -> dict[str, dict]:
    rows = qs.annotate(node=Substr(path_lookup, 1, length)).values("node").annotate(**aggregates).order_by()
    return {r.pop("node"): r for r in rows}


def workplace_aggregates(congress: Q, open_affairs: Q) -> dict[str, Count | Sum]:
    """The workplace numerators and denominators of every definition, over rows annotated ``covered``:
    one place for today's count and the dated one (``asof``), which differ only in how a flag is read."""
    nonpublic100 = Q(ownership__in=NON_PUBLIC, employee_count__gte=100, covered=True)
    public = Q(ownership__in=PUBLIC_SECTOR)
    return {
        "legal": Count("id", filter=Q(is_legal_entity=True)),
        "legal_cov": Count("id", filter=Q(is_legal_entity=True, covered=True)),
        "w25": Count("id", filter=Q(employee_count__gte=25)),
        "w25_cov": Count("id", filter=Q(employee_count__gte=25, covered=True)),
        "employees": Sum("employee_count"),
        "employees_cov": Sum("employee_count", filter=Q(covered=True)),
        "public": Count("id", filter=public),
        "public_congress": Count("id", filter=public & congress),
        "public_open": Count("id", filter=public & open_affairs),
        "np100": Count("id", filter=nonpublic100),
        "np100_congress": Count("id", filter=nonpublic100 & congress),
        "np100_open": Count("id", filter=nonpublic100 & open_affairs),
    }
