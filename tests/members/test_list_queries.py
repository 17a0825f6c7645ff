"""List pages keep a query-count ceiling: more rows must not mean more queries (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from tests.factories import PASSWORD, make_id

pytestmark = pytest.mark.django_db

PAGES = [
    "/members/",
    "/orgs/unions/",
    "/orgs/workplaces/",
    "/regions/",
    "/accounts/users/",
    "/orgs/unions/tree/",
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _grow(registry, n: int) -> None:
    parent = registry.unions["jinghu_street"]
    for i in range(n):
        union = UnionOrg.objects.create(
            name=f"批量{i}工会", kind=UnionKind.COMMITTEE, parent=parent, region=parent.region
        )
        workplace = Workplace.objects.create(
            name=f"批量{i}公司", region=parent.region, governing_union=parent
        )
        union.workplaces.set([workplace])
        registry.join(
            f"bulk{i}",
            "jinghu_a",
            f"批量{i}",
            make_id("340202", dt.date(1980, 1, 1), 100 + i),
            phone=f"1390000{i:04d}",
            new_form_group=registry.groups["courier"],
            workplace=workplace,
        )
        AuditEvent.objects.create(user=registry.users["wuhu"], username="t-wuhu", action="update")


def test_list_pages_do_not_grow_with_rows(client, registry):
    assert client.login(username="t-province", password=PASSWORD)
    before = {url: _count(client, url) for url in PAGES}
    _grow(registry, 15)
    after = {url: _count(client, url) for url in PAGES}
    assert after == before, (before, after)
    assert max(after.values()) <= 25, after


def test_audit_log_does_not_grow_with_rows(client, registry):
    # 三员分立 (issue 11): the audit log is read by an audit administrator, no longer the province admin.
    User.objects.create_user(
        "t-prov-auditor", password=PASSWORD, union=registry.unions["province"], role=Role.AUDITOR
    )
    assert client.login(username="t-prov-auditor", password=PASSWORD)
    before = _count(client, "/accounts/audit/")
    _grow(registry, 15)
    assert _count(client, "/accounts/audit/") == before <= 10
