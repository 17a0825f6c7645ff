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
