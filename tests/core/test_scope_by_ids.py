"""A model that says ``scope_by_ids`` (members) is narrowed to a small subtree by its nodes' ids and to a
big one by the path join (core.scope.under): the same rows either way, for every user's subtree, in
visible_to and in the list's union filter; a subtree with no node below it holds nothing."""

import pytest

from gonghui.core import scope
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg

pytestmark = pytest.mark.django_db


def _by_path(path: str) -> set[int]:
    held = UnionOrg.objects.filter(path__startswith=path).values_list("pk", flat=True)
    return set(Member.objects.filter(union_id__in=list(held)).values_list("pk", flat=True))


@pytest.mark.parametrize("largest_by_ids", [scope.SUBTREE_IDS_MAX, 1])
def test_every_users_members_are_the_same_by_ids_or_by_path(registry, monkeypatch, largest_by_ids):
    monkeypatch.setattr(scope, "SUBTREE_IDS_MAX", largest_by_ids)
    checked = 0
    for user in registry.users.values():
        node = scope.home_node(user)
        if node is None or not user.reads_personal_data or user.is_superuser:
            continue
        visible = Member.objects.visible_to(user)
        assert set(visible.values_list("pk", flat=True)) == _by_path(node.path), user.username
        sql = str(visible.query)
        subtree_size = UnionOrg.objects.filter(path__startswith=node.path).count()
        if subtree_size <= largest_by_ids:
            assert ('"union_id" IN (' in sql or '"union_id" = ANY(' in sql) and "path" not in sql
        else:
            assert "path" in sql
        checked += 1
    assert checked >= 3


def test_the_union_filter_keeps_to_its_subtree_and_an_empty_subtree_holds_nothing(client, registry, as_user):
    as_user("wuhu", client)
    street = registry.unions["jinghu_street"]
    expected = _by_path(street.path)
    page = client.get(f"/members/?union={street.pk}").content.decode()
    assert f"共 {len(expected)} 条" in page
    for member in Member.objects.exclude(pk__in=expected).visible_to(registry.users["wuhu"])[:5]:
        assert f"/members/{member.pk}/" not in page
    assert not Member.objects.filter(scope.under(Member.objects.all(), "union__path", "no/such/path/"))


def _id_lists(queryset) -> int:
    sql = str(queryset.query)
    return sql.count('"union_id" IN (') + sql.count('"union_id" = ANY(')


def test_a_narrower_subtree_takes_the_place_of_the_users_id_list(registry):
    """core.scope.within: 镜湖区's members filtered to one of its unions are one id list, not two (the
    planner multiplied two lists' selectivities); the rows are those of the narrower subtree. A list that
    is not a subset of the one already there is added beside it, and then nothing outside both is shown."""
    user = registry.users["jinghu"]
    visible = Member.objects.visible_to(user)
    assert _id_lists(visible) == 1
    inner = registry.unions["jinghu_a"]
    narrowed = scope.within(visible, "union__path", inner.path)
    assert _id_lists(narrowed) == 1, str(narrowed.query)
    assert set(narrowed.values_list("pk", flat=True)) == _by_path(inner.path) != set()
    assert _id_lists(visible) == 1  # the queryset it started from is unchanged
    # 鸠江区 is not inside 镜湖区: both lists stay, and they have no member in common.
    outside = scope.within(visible, "union__path", registry.unions["jiujiang"].path)
    assert _id_lists(outside) == 2 and not outside.exists()
    assert Member.objects.filter(union__path__startswith=registry.unions["jiujiang"].path).exists()
