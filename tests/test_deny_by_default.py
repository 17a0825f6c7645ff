"""Deny by default: a user who governs no union sees nothing anywhere — not "the province".

The persona ``nounion`` holds an administrator's role and the right to see IDs, but no union: every
page, API route, export, import and command must answer as if the registry were empty (404, 403 or an
empty list), and no name of any union, workplace or member may appear.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.core.scope import EVERYTHING, covers, home_node, scope_prefix
from gonghui.imports.engine import importer_for
from gonghui.imports.models import ExportJob, ImportJob
from gonghui.imports.services import create_job
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace
from tests.factories import PASSWORD, make_id
from tests.imports.helpers import MEMBER_HEADER, write_xlsx
from tests.scope_objects import PUBLIC_URLS, all_routes, outside_url
from tests.test_scope_sweep import _request, _text

pytestmark = pytest.mark.django_db


def every_name(reg) -> list[str]:
    strings = [u.name for u in reg.unions.values()] + [w.name for w in reg.workplaces.values()]
    for m in reg.members.values():
        strings += [m.name, m.id_masked, m.phone_masked]
    return strings


@pytest.fixture
def nounion(client, registry):
    assert client.login(username=registry.users["nounion"].username, password=PASSWORD)
    return client


def test_home_node_denies_by_default(registry, django_user_model):
    users = registry.users
    assert home_node(users["jinghu"]) == registry.unions["jinghu"]
    assert home_node(users["nounion"]) is None and scope_prefix(users["nounion"]) is None
    root = django_user_model.objects.create_superuser("t-root", password=PASSWORD)
    assert home_node(root) == UnionOrg.objects.filter(parent=None).order_by("pk").first()
    assert scope_prefix(root) == EVERYTHING
    # Through a request (request.user is a lazy proxy): the superuser's pages open.
    from django.test import Client

    browser = Client()
    browser.force_login(root)
    assert browser.get("/").status_code == 200 and browser.get("/members/").status_code == 200
    inactive = django_user_model.objects.get(pk=users["wuhu"].pk)
    inactive.is_active = False
    assert home_node(inactive) is None and not covers(inactive, registry.unions["wuhu"])
    assert covers(users["wuhu"], registry.unions["jinghu"])
    assert not covers(users["jinghu"], registry.unions["wuhu"])
    # A role without a node grants nothing.
    assert not users["nounion"].can_edit and not users["nounion"].can_review


def test_every_page_and_api_route_shows_nothing(nounion, registry):
    """Every private route, with and without an object: never 5xx, never a name of the registry."""
    forbidden = every_name(registry)
    problems: list[str] = []
    checked = 0
    for route in all_routes():
        if route.name in PUBLIC_URLS:
            continue
        url = outside_url(route, registry) if route.params else route.url()
        response = _request(nounion, url)
        checked += 1
        if response.status_code >= 500:
            problems.append(f"{route.name} {url}：{response.status_code}")
            continue
        if route.params and response.status_code not in (403, 404):
            problems.append(f"{route.name} {url}：无所属工会的用户得到 {response.status_code}，应为 404/403")
        leaked = [s for s in forbidden if s in _text(response)]
        if leaked:
            problems.append(f"{route.name} {url}：无所属工会的用户看到了 {leaked}")
    assert not problems, "\n".join(problems)
    assert checked >= 40


def test_dashboard_indicators_and_tree_do_not_fall_back_to_the_province(nounion, registry):
    province = registry.unions["province"].name
    for url in (reverse("reports:dashboard"), reverse("targets:indicators"), "/orgs/unions/tree/"):
        response = nounion.get(url)
        assert response.status_code == 403, url
        assert "尚未分配所属工会" in response.content.decode() and province not in response.content.decode()
    assert nounion.get("/api/v1/indicators").status_code == 404


def test_home_page_says_why_and_the_menu_offers_nothing_else(nounion, registry):
    page = nounion.get("/").content.decode()
    assert "尚未分配所属工会" in page and "全部组织" not in page
    assert registry.unions["province"].name not in page
    assert "/members/" not in page and "/orgs/" not in page


def test_no_import_or_export_job_is_opened(nounion, registry, tmp_path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        MEMBER_HEADER,
        [["新人", make_id("340202", dt.date(1990, 5, 5), 55), "", "镜湖甲公司工会委员会", "2024-01-01"]],
    )
    with open(path, "rb") as handle:
        response = nounion.post(reverse("imports:upload-members"), {"file": handle})
    assert response.status_code == 403
    assert nounion.get(reverse("members:member-list") + "?export=xlsx&full=1").status_code in (200, 403)
    assert not ImportJob.objects.exists() and not ExportJob.objects.exists()
    user = registry.users["nounion"]
    with pytest.raises(PermissionDenied):
        importer_for("members", user)
    with pytest.raises(PermissionDenied):
        create_job(user, "members", path, path.name)
    with pytest.raises(CommandError, match="未分配所属工会"):
        call_command("import_members", str(path), "--user", user.username)
    assert not ImportJob.objects.exists()
    assert Member.objects.count() == len(registry.members)


def test_edit_pages_refuse_and_write_nothing(nounion, registry):
    workplace = registry.workplaces["jinghu_a"]
    before = Workplace.objects.get(pk=workplace.pk).name
    response = nounion.post(reverse("orgs:workplace-edit", args=[workplace.pk]), {"name": "改名"})
    assert response.status_code in (403, 404)
    assert Workplace.objects.get(pk=workplace.pk).name == before
    response = nounion.post(reverse("orgs:workplace-add"), {"name": "新单位"})
    assert response.status_code == 403
    assert not Workplace.objects.filter(name="新单位").exists()


def test_users_and_audit_events_are_scoped_by_the_same_mechanism(registry):
    from gonghui.accounts.models import User
    from gonghui.core.models import AuditEvent

    users = registry.users
    for user in users.values():
        AuditEvent.objects.create(user=user, username=user.username, action=AuditEvent.Action.LOGIN)
    AuditEvent.objects.create(username="unknown", action=AuditEvent.Action.LOGIN_FAILED)
    assert not User.objects.visible_to(users["nounion"]).exists()
    assert not AuditEvent.objects.visible_to(users["nounion"]).exists()
    jinghu_users = set(User.objects.visible_to(users["jinghu"]).values_list("username", flat=True))
    assert jinghu_users == {"t-jinghu"}
    seen = set(AuditEvent.objects.visible_to(users["wuhu"]).values_list("username", flat=True))
    assert seen == {"t-wuhu", "t-jinghu", "t-jiujiang", "t-viewer"}  # not the province, nor unknown
