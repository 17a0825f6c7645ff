"""The union tree: materialised paths follow moves, subtree counts, election-due filter."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gonghui.orgs.stats import subtree_counts
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_paths_nest_and_moving_a_union_rewrites_its_subtree(registry):
    u = registry.unions
    street, committee = u["jinghu_street"], u["jinghu_a"]
    assert committee.path.startswith(street.path) and street.path.startswith(u["jinghu"].path)
    street.parent = u["jiujiang"]
    street.save()
    committee.refresh_from_db()
    assert committee.path.startswith(u["jiujiang"].path + f"{street.pk:08d}/")
    assert committee.depth == u["jiujiang"].depth + 2
    # The members moved with their union: 鸠江区 now counts them, 镜湖区 no longer does.
    assert subtree_counts(u["jiujiang"]).members == 4
    assert subtree_counts(u["jinghu"]).members == 0


def test_a_union_cannot_move_under_its_own_descendant(registry):
    u = registry.unions
    u["jinghu"].parent = u["jinghu_a"]
    with pytest.raises(ValidationError, match="自己的下级"):
        u["jinghu"].save()


def test_subtree_counts_of_the_registry(registry):
    counts = subtree_counts(registry.unions["wuhu"])
    assert counts.members == 4 and counts.migrant_members == 1 and counts.new_form_members == 1
    assert counts.workplaces == 6 and counts.covered_workplaces == 5
    jiujiang = subtree_counts(registry.unions["jiujiang"])
    assert (jiujiang.unions, jiujiang.grassroots_unions) == (3, 2)
    assert (jiujiang.workplaces, jiujiang.covered_workplaces) == (5, 4)


def test_union_form_refuses_a_parent_inside_its_own_subtree(client, registry):
    u = registry.unions
    assert client.login(username="t-wuhu", password=PASSWORD)
    union = u["jinghu"]
    response = client.post(
        f"/orgs/unions/{union.pk}/edit/",
        {
            "name": union.name,
            "kind": union.kind,
            "parent": u["jinghu_a"].pk,
            "region": union.region_id,
            "status": "active",
        },
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    union.refresh_from_db()
    assert union.parent == u["wuhu"]


def test_election_due_filter(client, registry):
    u = registry.unions
    today = dt.date.today()
    overdue, soon, later = u["jinghu_a"], u["jiujiang_b"], u["jiujiang_joint"]
    overdue.term_start, overdue.term_years = dt.date(2015, 3, 1), 5
    soon_due = today + dt.timedelta(days=30)
    if (soon_due.month, soon_due.day) == (2, 29):  # no 29 February three years earlier
        soon_due += dt.timedelta(days=1)
    soon.term_start, soon.term_years = soon_due.replace(year=soon_due.year - 3), 3
    later.term_start, later.term_years = today, 5
    for union in (overdue, soon, later):
        union.save()
    assert overdue.election_due < today and soon.election_due == soon_due
    assert client.login(username="t-wuhu", password=PASSWORD)
    body = client.get("/orgs/unions/?election=overdue").content.decode()
    assert overdue.name in body and soon.name not in body and later.name not in body
    body = client.get("/orgs/unions/?election=due3").content.decode()
    assert soon.name in body and overdue.name not in body and later.name not in body
    detail = client.get(f"/orgs/unions/{overdue.pk}/").content.decode()
    assert "换届逾期" in detail
    assert "换届逾期" not in client.get(f"/orgs/unions/{later.pk}/").content.decode()


def _industry_federation(registry):
    """芜湖市行业工会联合会 with three sub-federations, each holding unions (as in the demo)."""
    from gonghui.orgs.models import UnionKind, UnionOrg

    wuhu = registry.unions["wuhu"]
    top = UnionOrg.objects.create(
        name="芜湖市行业工会联合会", kind=UnionKind.INDUSTRY_FEDERATION, parent=wuhu, region=wuhu.region
    )
    subs = []
    for i, name in enumerate(
        ("芜湖市快递行业工会联合会", "芜湖市网约车行业工会联合会", "芜湖市律师行业联合工会")
    ):
        sub = UnionOrg.objects.create(
            name=name, kind=UnionKind.INDUSTRY_FEDERATION, parent=top, region=wuhu.region
        )
        subs.append(sub)
        for j in range(2 + i):
            UnionOrg.objects.create(
                name=f"{name}第{j}分会", kind=UnionKind.COMMITTEE, parent=sub, region=wuhu.region
            )
    return top, subs


def test_tree_expands_every_node_with_children(client, registry):
    """A federation with sub-federations is not a leaf; its children load on demand and expand in turn."""
    top, subs = _industry_federation(registry)
    assert client.login(username="t-wuhu", password=PASSWORD)
    wuhu_children = client.get(f"/orgs/unions/{registry.unions['wuhu'].pk}/children/").content.decode()
    assert f'hx-get="/orgs/unions/{top.pk}/children/"' in wuhu_children
    body = client.get(f"/orgs/unions/{top.pk}/children/").content.decode()
    for sub in subs:
        assert sub.name in body and f'hx-get="/orgs/unions/{sub.pk}/children/"' in body
    leaves = client.get(f"/orgs/unions/{subs[0].pk}/children/").content.decode()
    assert "第0分会" in leaves and "第1分会" in leaves and "/children/" not in leaves
    # A grassroots union with a union under it expands too: having children decides, not the kind.
    from gonghui.orgs.models import UnionKind, UnionOrg

    joint = registry.unions["jiujiang_joint"]
    UnionOrg.objects.create(
        name="小微一号店分会", kind=UnionKind.COMMITTEE, parent=joint, region=joint.region
    )
    body = client.get(f"/orgs/unions/{registry.unions['jiujiang'].pk}/children/").content.decode()
    assert f'hx-get="/orgs/unions/{joint.pk}/children/"' in body
    assert f'hx-get="/orgs/unions/{registry.unions["jiujiang_b"].pk}/children/"' not in body


def test_tree_child_count_excludes_the_node_itself(client, registry):
    top, _subs = _industry_federation(registry)
    assert subtree_counts(top).subordinate_unions == 3 + 2 + 3 + 4
    assert subtree_counts(registry.unions["jinghu_a"]).subordinate_unions == 0
    assert client.login(username="t-wuhu", password=PASSWORD)
    body = client.get(f"/orgs/unions/{registry.unions['jinghu_street'].pk}/children/").content.decode()
    # The committee's row: 下属工会 0 (it used to count itself as 1).
    row = body[body.index(registry.unions["jinghu_a"].name) :]
    cells = row.split('<td class="text-end">')
    assert cells[1].startswith("0</td>")
    body = client.get(f"/orgs/unions/{registry.unions['wuhu'].pk}/children/").content.decode()
    row = body[body.index(top.name) :]
    assert row.split('<td class="text-end">')[1].startswith("12</td>")
