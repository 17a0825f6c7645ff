"""Issue 9 point 12: the menu shows each role only what it may open — every link shown answers 200,
every entry hidden would have answered 403 (so the menu hides nothing a user may open)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.core import navigation
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

_NAV_LINK = re.compile(r'<a class="nav-link[^"]*" href="([^"]+)"')


def _personas(registry) -> dict[str, User]:
    users = dict(registry.users)
    for key, role in [
        ("reviewer", Role.REVIEWER),
        ("auditor", Role.AUDITOR),
        ("grassroots", Role.GRASSROOTS_ADMIN),
    ]:
        union = registry.unions["jinghu_a"] if key == "grassroots" else registry.unions["jiujiang"]
        users[key] = User.objects.create_user(f"t-{key}", password=PASSWORD, union=union, role=role)
    return users


def test_every_link_shown_opens_and_every_hidden_entry_is_forbidden(client, registry):
    problems: list[str] = []
    for key, user in _personas(registry).items():
        client.force_login(user)
        home = client.get("/")
        assert home.status_code == 200
        shown = [item for item in home.context["nav_items"]]
        shown_urls = {e["url"] for e in shown}
        # The links are really in the page, not only in the context.
        assert shown_urls <= set(_NAV_LINK.findall(home.content.decode())) | {"/"}, key
        for entry in shown:
            status = client.get(entry["url"]).status_code
            if status != 200:
                problems.append(f"{key}：菜单显示「{entry['label']}」{entry['url']}，打开却得到 {status}")
        for item in navigation.items():
            url = reverse(item.url_name)
            if url not in shown_urls:
                status = client.get(url).status_code
                if status == 200:
                    problems.append(f"{key}：能打开「{item.label}」{url}，菜单却没有显示")
        client.logout()
    assert not problems, "\n".join(problems)


def test_read_only_viewer_sees_no_review_user_or_audit_entries(client, registry):
    client.force_login(registry.users["viewer"])
    labels = {e["label"] for e in client.get("/").context["nav_items"]}
    assert not labels & {"入会审核", "会籍转接", "用户管理", "审计日志"}
    assert {"首页", "会员", "工会组织"} <= labels


def test_menu_is_grouped_in_sections_and_opens_the_current_one(client, registry):
    client.force_login(registry.users["wuhu"])
    response = client.get("/members/")
    sections = response.context["nav_sections"]
    labels = [s["label"] for s in sections]
    assert labels[0] == "" and [e["label"] for e in sections[0]["entries"]] == ["首页"]
    assert labels == [s for s in navigation.SECTIONS if s in labels]  # in the declared order, each once
    opened = [s["label"] for s in sections if s["open"]]
    assert opened == ["组织与会员"]  # the section of 会员, the others folded
    page = response.content.decode()
    assert '<details class="nav-section" open><summary>组织与会员</summary>' in page
    assert '<details class="nav-section"><summary>系统管理</summary>' in page
    with pytest.raises(ValueError):
        navigation.register("错误", "core:home", "bi-x", 1, section="没有这个分组")
