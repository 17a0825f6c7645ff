"""Scope sweep: every URL pattern of the project, visited by a user of 镜湖区 asking for 鸠江区.

New routes are covered automatically; a pk route whose model the sweep cannot tell fails with a message
that says what to register in tests/scope_objects.py.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from gonghui.core.scope import home_node
from tests.factories import Registry
from tests.scope_objects import PUBLIC_URLS, Route, all_routes, outside_url

pytestmark = pytest.mark.django_db

# Query parameters a curious user might add to a list page to reach another county's rows.
HOSTILE_QUERY = "union={u}&parent={u}&governing_union={u}&union_tree={u}&subtree={u}&workplace={w}&q=鸠江"


def outside_strings(reg: Registry, user_key: str = "jinghu") -> list[str]:
    """Names and masked numbers that belong to neither the user's subtree nor its ancestors."""
    root = home_node(reg.users[user_key])
    ancestors = {a.pk for a in root.ancestors()}
    strings = [
        u.name for u in reg.unions.values() if not u.path.startswith(root.path) and u.pk not in ancestors
    ]
    strings += [w.name for w in reg.workplaces.values() if not w.governing_union.path.startswith(root.path)]
    for m in reg.members.values():
        if not m.union.path.startswith(root.path):
            strings += [m.name, m.id_masked, m.phone_masked]
    assert "鸠江乙公司工会委员会" in strings and "王鸠一" in strings  # the sweep is not vacuous
    return strings


def _text(response) -> str:
    """The body as a reader sees it: django-ninja writes JSON with \\u escapes, which would hide a
    leaked Chinese name from a plain substring check."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def _request(client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _private_routes() -> list[Route]:
    return [r for r in all_routes() if r.name not in PUBLIC_URLS]


def test_the_walk_finds_every_app_and_the_api():
    names = {r.name for r in all_routes()}
    for expected in (
        "members:member-detail",
        "orgs:union-edit",
        "regions:region-detail",
        "api:get_member",
        "api:list_target_plans",
        "api:get_target_plan",
        "api:get_union_indicators",
    ):
        assert expected in names
    assert not any(r.route.startswith("admin/") for r in all_routes())


def test_every_object_route_is_404_outside_scope(client, registry, as_user):
    """镜湖区 asks for a 鸠江区 object on every route with a parameter: 404, and 鸠江区 itself gets it."""
    problems: list[str] = []
    checked = 0
    jinghu, jiujiang = client.__class__(), client.__class__()
    as_user("jinghu", jinghu)
    as_user("jiujiang", jiujiang)
    for route in _private_routes():
        if not route.params:
            continue
        try:
            url = outside_url(route, registry)
        except pytest.fail.Exception as exc:
            problems.append(str(exc))
            continue
        response = _request(jinghu, url)
        checked += 1
        if response.status_code != 404:
            problems.append(f"{route.name} {url}：镜湖区用户得到 {response.status_code}，应为 404")
        # Control: the sweep would pass vacuously if the route were always 404.
        own = jiujiang.get(url)
        if own.status_code == 404:
            problems.append(f"{route.name} {url}：鸠江区用户访问本区对象也得到 404（对照失败）")
    assert not problems, "\n".join(problems)
    assert checked >= 15


def test_list_pages_and_api_lists_show_nothing_outside_scope(client, registry, as_user):
    forbidden = outside_strings(registry)
    as_user("jinghu", client)
    hostile = HOSTILE_QUERY.format(u=registry.unions["jiujiang"].pk, w=registry.workplaces["jiujiang_b"].pk)
    problems: list[str] = []
    checked = 0
    for route in _private_routes():
        if route.params:
            continue
        for url in (route.url(), f"{route.url()}?{hostile}", f"{route.url()}?limit=500"):
            response = _request(client, url)
            if response.status_code >= 500:
                problems.append(f"{route.name} {url}：{response.status_code}")
                continue
            body = _text(response)
            leaked = [s for s in forbidden if s in body]
            if leaked:
                problems.append(f"{route.name} {url}：出现了管辖范围外的内容 {leaked}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 30


def test_counts_of_own_node_cover_only_own_subtree(client, registry, as_user):
    forbidden = outside_strings(registry)
    as_user("jinghu", client)
    jinghu = registry.unions["jinghu"]
    counts = client.get(f"/api/v1/unions/{jinghu.pk}/counts").json()
    assert counts["members"] == 2 and counts["workplaces"] == 1 and counts["migrant_members"] == 1
    for url in (
        "/orgs/unions/tree/",
        f"/orgs/unions/{jinghu.pk}/stats/",
        f"/orgs/unions/{jinghu.pk}/children/",
        f"/orgs/unions/{jinghu.pk}/",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _text(response)
        assert not [s for s in forbidden if s in body], url
    # The city above is outside a county user's scope: its counts would include 鸠江区.
    assert client.get(f"/api/v1/unions/{registry.unions['wuhu'].pk}/counts").status_code == 404
    assert client.get(f"/orgs/unions/{registry.unions['wuhu'].pk}/stats/").status_code == 404


def test_anonymous_visitors_are_sent_to_login_or_get_401(client, registry):
    login = resolve_url(settings.LOGIN_URL)
    problems: list[str] = []
    for route in all_routes():
        try:
            url = outside_url(route, registry)
        except pytest.fail.Exception as exc:
            problems.append(str(exc))
            continue
        response = _request(client, url)
        location = response.get("Location", "")
        if route.name in PUBLIC_URLS:
            if location.startswith(login + "?next="):
                problems.append(f"{route.name} {url}：列为公开页面，却要求登录")
        elif route.is_api:
            if response.status_code != 401:
                problems.append(f"{route.name} {url}：未登录应得到 401，实际 {response.status_code}")
        elif not (response.status_code == 302 and location.startswith(login)):
            problems.append(
                f"{route.name} {url}：未登录应跳转到登录页，实际 {response.status_code} {location}"
                "（公开页面请登记在 tests/scope_objects.py 的 PUBLIC_URLS）"
            )
    assert not problems, "\n".join(problems)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig", errors="replace")


def test_every_export_shows_nothing_outside_scope(client, registry, as_user):
    """Every list page's CSV export, plain and with hostile filters, as 镜湖区: no outside row. Control:
    the same exports as 芜湖市 hold 鸠江区's rows (members, workplaces, unions at least), so exports that
    were always empty would not pass."""
    forbidden = outside_strings(registry)
    hostile = HOSTILE_QUERY.format(u=registry.unions["jiujiang"].pk, w=registry.workplaces["jiujiang_b"].pk)
    jinghu, wuhu = client.__class__(), client.__class__()
    as_user("jinghu", jinghu)
    as_user("wuhu", wuhu)
    problems: list[str] = []
    exports = controls = 0
    for route in _private_routes():
        if route.params or route.is_api:
            continue
        control = wuhu.get(f"{route.url()}?export=csv")
        if control.get("Content-Type", "").split(";")[0] != "text/csv":
            continue  # not a list page with an export
        exports += 1
        control_body = _body(control)
        if [s for s in forbidden if s in control_body]:
            controls += 1
        for query in ("export=csv", f"export=csv&{hostile}"):
            response = jinghu.get(f"{route.url()}?{query}")
            if response.status_code >= 500:
                problems.append(f"{route.name} ?{query}：{response.status_code}")
                continue
            body = _body(response)
            leaked = [s for s in forbidden if s in body]
            if leaked:
                problems.append(f"{route.name} ?{query}：导出了管辖范围外的内容 {leaked}")
    assert not problems, "\n".join(problems)
    assert exports >= 3 and controls >= 3  # members, workplaces, unions at least
