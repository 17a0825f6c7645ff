"""三员分立, least privilege (issue 11): the system, security and audit administrators open only their own
tools; every other page of the project, and every API route, answers 403 with the reason, is audited and
changes nothing. The menu and the home page show them exactly their tools."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.accounts.roles import OWN_PAGES, ROLE_NAMESPACES, ROLE_PAGES
from gonghui.core import home, navigation
from gonghui.core.models import AuditEvent
from gonghui.joining.models import ApplicationStatus, JoinApplication
from gonghui.orgs.models import Workplace
from tests.factories import PASSWORD
from tests.scope_objects import OUTSIDE_OBJECTS, all_routes, outside_url
from tests.test_scope_sweep import _request

pytestmark = pytest.mark.django_db

REFUSAL = "三员分立："
THREE = {"sysadmin": Role.SYSTEM_ADMIN, "secadmin": Role.SECURITY_ADMIN, "auditor3": Role.AUDITOR}


@pytest.fixture
def three(registry):
    """The three administrators of 芜湖市: every 鸠江区 object the sweep points at lies inside their subtree,
    so a 403 comes from the role, not from the scope."""
    for key, role in THREE.items():
        registry.users[key] = User.objects.create_user(
            f"t-{key}", password=PASSWORD, union=registry.unions["wuhu"], role=role
        )
    return registry


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def allowed(role: str, name: str) -> bool:
    namespace = name.rpartition(":")[0]
    return name in OWN_PAGES or name in ROLE_PAGES[role] or namespace in ROLE_NAMESPACES.get(role, ())


@pytest.mark.parametrize("key", list(THREE))
def test_every_route_but_the_roles_own_is_refused(three, key):
    user = three.users[key]
    client = login(user)
    problems: list[str] = []
    opened = refused = 0
    for route in all_routes():
        if route.name == "accounts:logout":
            continue  # would end the session of the sweep
        url = outside_url(route, three) if route.params else route.url()
        response = _request(client, url)
        text = response.content.decode(errors="replace")
        by_role = response.status_code == 403 and REFUSAL in text
        if allowed(user.role, route.name):
            opened += 1
            if by_role:
                problems.append(f"{route.name} {url}：本岗位页面被拒绝")
            elif response.status_code >= 500:
                problems.append(f"{route.name} {url}：本岗位页面得到 {response.status_code}")
        else:
            refused += 1
            if not by_role:
                problems.append(f"{route.name} {url}：应以三员分立拒绝，得到 {response.status_code}")
    assert not problems, "\n".join(problems)
    assert opened >= 10 and refused >= 60


def test_the_three_tool_sets_are_disjoint():
    sets = list(ROLE_PAGES.values())
    shared = {"core:autocomplete"}  # names only, for the union and owner pickers of two forms
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            assert a & b <= shared
    assert ROLE_PAGES[Role.AUDITOR] == {"accounts:audit-list"}


@pytest.mark.parametrize("key", list(THREE))
def test_a_refused_post_changes_nothing_and_is_audited(three, key):
    user = three.users[key]
    client = login(user)
    workplace = Workplace.objects.get(pk=three.workplaces["jiujiang_b"].pk)
    application = OUTSIDE_OBJECTS["joining.joinapplication"](three)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.FORBIDDEN, user=user).count()

    edit = client.post(reverse("orgs:workplace-edit", args=[workplace.pk]), {"name": "被改掉的名称"})
    approve = client.post(reverse("joining:application-detail", args=[application.pk]), {"action": "approve"})

    assert edit.status_code == 403 and REFUSAL in edit.content.decode()
    assert approve.status_code == 403
    assert Workplace.objects.get(pk=workplace.pk).name == workplace.name
    assert JoinApplication.objects.get(pk=application.pk).status == application.status
    assert application.status != ApplicationStatus.APPROVED
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.FORBIDDEN, user=user)
    assert rows.count() == before + 2
    assert rows.filter(detail__contains=reverse("orgs:workplace-edit", args=[workplace.pk])).exists()


@pytest.mark.parametrize("key", list(THREE))
def test_the_api_refuses_token_and_session_alike(three, key):
    user = three.users[key]
    _, key_text = ApiToken.issue(user, "测试令牌", days=30)
    session = login(user)
    url = "/api/v1/workplaces"
    by_session = session.get(url)
    assert by_session.status_code == 403 and REFUSAL in by_session.json()["detail"]
    by_token = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key_text}")
    assert by_token.status_code == 403 and REFUSAL in by_token.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FORBIDDEN, user=user).count() == 2


@pytest.mark.parametrize("key", list(THREE))
def test_the_menu_lists_only_the_roles_pages(three, key):
    user = three.users[key]
    entries = {item.url_name for item in navigation.items(user)}
    assert entries
    assert all(allowed(user.role, name) for name in entries), entries
    html = login(user).get(reverse("core:home")).content.decode()
    for item in navigation.items():
        link = f'href="{reverse(item.url_name)}"'
        assert (link in html) == (item.url_name in entries), item.url_name


@pytest.mark.parametrize("key", list(THREE))
def test_home_page_shows_tools_not_business_figures(three, key, as_user):
    user = three.users[key]
    html = login(user).get(reverse("core:home")).content.decode()
    assert "您的管理功能" in html and 'id="home-tools"' in html
    panels = home.panel_urls(user.union)
    assert panels and not [url for url in panels if url in html]  # no business panel is loaded
    assert "正在统计" not in html
    business = as_user("wuhu").get(reverse("core:home")).content.decode()
    assert "正在统计" in business and "您的管理功能" not in business
