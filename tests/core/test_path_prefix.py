"""``path__startswith`` (a subtree) gives the same rows as the path's own prefix test on every database; on
PostgreSQL it is written as a byte-wise range (core.models.PathPrefix), so that the planner estimates a
subtree's size once."""

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery

from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg


def _check_every_subtree():
    unions = list(UnionOrg.objects.values_list("pk", "path"))
    assert len(unions) > 5
    for _pk, path in unions:
        expected = {pk for pk, other in unions if other.startswith(path)}
        assert set(UnionOrg.objects.filter(path__startswith=path).values_list("pk", flat=True)) == expected
        held = set(Member.objects.filter(union__path__startswith=path).values_list("pk", flat=True))
        assert held == set(Member.objects.filter(union_id__in=expected).values_list("pk", flat=True))


def test_a_subtree_is_the_nodes_whose_path_starts_with_the_prefix(registry):
    _check_every_subtree()
    assert Member.objects.filter(union__path__startswith=registry.unions["province"].path).exists()


def test_on_postgresql_a_subtree_is_a_range_and_an_outer_reference_keeps_like(on_postgres, registry):
    path = registry.unions["wuhu"].path
    sql = str(UnionOrg.objects.filter(path__startswith=path).query)
    assert "~>=~" in sql and "~<~" in sql and "LIKE" not in sql
    _check_every_subtree()
    # A correlated prefix (an outer reference) is not a plain value: LIKE, still correct.
    below = UnionOrg.objects.filter(path__startswith=OuterRef("path")).values("path").order_by("path")[:1]
    first = UnionOrg.objects.filter(pk=registry.unions["wuhu"].pk).annotate(first=Subquery(below))
    assert first.get().first == path
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_an_empty_prefix_is_every_node(registry):
    assert UnionOrg.objects.filter(path__startswith="").count() == UnionOrg.objects.count()
