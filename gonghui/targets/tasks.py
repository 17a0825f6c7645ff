"""Background tasks of targets (django-tasks; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def store_indicator_results(node_id: int, day: str) -> int:
    """The indicator figures of a large node that has none stored yet (a page asked for them): the same
    computation as the daily refresh, off the request."""
    from django.core.cache import cache

    from gonghui.orgs.models import UnionOrg

    from . import indicators

    node = UnionOrg.objects.get(pk=node_id)
    result = indicators.store(node, dt.date.fromisoformat(day))
    cache.delete(f"gonghui:indicators-pending:{node_id}:{day}")
    return result.pk


@task()
def store_quality_results(node_id: int, day: str) -> int:
    """The data-quality counts of a large node that has none stored yet (the board asked for them)."""
    from django.core.cache import cache

    from gonghui.orgs.models import UnionOrg

    from . import quality

    node = UnionOrg.objects.get(pk=node_id)
    result = quality.store(node, dt.date.fromisoformat(day))
    cache.delete(f"gonghui:quality-pending:{node_id}:{day}")
    return result.pk
