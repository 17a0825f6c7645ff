"""User management: scope of the subtree, roles no higher than mine, 查看敏感信息 only from who holds it."""

import pytest
from django.contrib.auth.models import Permission

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _new_user(registry, union="jinghu_street", role=Role.COUNTY_ADMIN, **extra):
    data = {
        "username": "new-user",
        "full_name": "新用户",
        "union": registry.unions[union].pk,
        "role": role,
        "is_active": "on",
        "password1": "Anhui-2024-strong",
        "password2": "Anhui-2024-strong",
    }
    data.update(extra)
    return data


def test_list_shows_only_users_of_my_subtree(client, registry, as_user):
    User.objects.create_user("street-admin", password=PASSWORD, union=registry.unions["jinghu_street"])
    as_user("t-jinghu", client)
    body = client.get("/accounts/users/").content.decode()
    assert "t-jinghu" in body and "street-admin" in body
    for outside in ("t-jiujiang", "t-wuhu", "t-province", "t-viewer"):
        assert outside not in body
    as_user("t-wuhu", client)
    body = client.get("/accounts/users/").content.decode()
    assert "t-jiujiang" in body and "t-jinghu" in body and "t-province" not in body


def test_county_admin_creates_a_user_below_their_node(client, registry, as_user):
    as_user("t-jinghu", client)
    response = client.post("/accounts/users/add/", _new_user(registry))
    assert response.status_code == 302
    user = User.objects.get(username="new-user")
    assert user.union == registry.unions["jinghu_street"] and user.role == Role.COUNTY_ADMIN
    assert user.check_password("Anhui-2024-strong")
    event = AuditEvent.objects.get(action="create", object_type="accounts.user")
    assert event.username == "t-jinghu" and event.object_id == str(user.pk)


@pytest.mark.parametrize(
    ("union", "role", "message"),
    [
        ("wuhu", Role.READONLY, "选择一个有效的选项"),  # above my node
        ("jiujiang", Role.READONLY, "选择一个有效的选项"),  # beside my node
        ("zone", Role.READONLY, "选择一个有效的选项"),  # beside my node
        ("jinghu", Role.CITY_ADMIN, "选择一个有效的选项"),  # a role above mine
        ("jinghu", Role.PROVINCE_ADMIN, "选择一个有效的选项"),
    ],
)
def test_county_admin_cannot_create_above_or_beside_or_a_higher_role(
    client, registry, union, role, message, as_user
):
    as_user("t-jinghu", client)
    response = client.post("/accounts/users/add/", _new_user(registry, union=union, role=role))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="new-user").exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_role_choices_offer_nothing_above_mine(client, registry, as_user):
    as_user("t-jinghu", client)
    body = client.get("/accounts/users/add/").content.decode()
    assert 'value="county_admin"' in body and 'value="readonly"' in body
    assert 'value="city_admin"' not in body and 'value="province_admin"' not in body


def test_grant_and_revoke_sensitive_only_if_i_hold_it(client, registry, as_user):
    as_user("t-jinghu", client)
    client.post("/accounts/users/add/", _new_user(registry, view_sensitive="on"))
    user = User.objects.get(username="new-user")
    assert user.has_perm("accounts.view_sensitive")
    assert "授予查看敏感信息" in AuditEvent.objects.get(action="create").detail
    edit = _new_user(registry, password1="", password2="")
    client.post(f"/accounts/users/{user.pk}/edit/", edit)  # checkbox absent → revoke
    user = User.objects.get(pk=user.pk)
    assert not user.has_perm("accounts.view_sensitive")
    assert "收回查看敏感信息" in AuditEvent.objects.get(action="update").detail


def test_admin_without_sensitive_cannot_grant_it(client, registry, as_user):
    sensitive = Permission.objects.get(codename="view_sensitive")
    registry.users["jinghu"].user_permissions.remove(sensitive)
    as_user("t-jinghu", client)
    assert "查看敏感信息" not in client.get("/accounts/users/add/").content.decode().split("<form")[1]
    client.post("/accounts/users/add/", _new_user(registry, view_sensitive="on"))
    assert not User.objects.get(username="new-user").has_perm("accounts.view_sensitive")
    # Nor take it away from someone who holds it.
    holder = User.objects.create_user("holder", password=PASSWORD, union=registry.unions["jinghu_street"])
    holder.user_permissions.add(sensitive)
    client.post(
        f"/accounts/users/{holder.pk}/edit/",
        _new_user(registry, username="holder", role=Role.READONLY, password1="", password2=""),
    )
    assert User.objects.get(pk=holder.pk).has_perm("accounts.view_sensitive")


def test_users_outside_subtree_are_404_and_higher_roles_403(client, registry, as_user):
    as_user("t-jinghu", client)
    assert client.get(f"/accounts/users/{registry.users['wuhu'].pk}/edit/").status_code == 404
    assert client.get(f"/accounts/users/{registry.users['jiujiang'].pk}/edit/").status_code == 404
    boss = User.objects.create_user(
        "boss", password=PASSWORD, union=registry.unions["jinghu_street"], role=Role.PROVINCE_ADMIN
    )
    assert client.get(f"/accounts/users/{boss.pk}/edit/").status_code == 403
    response = client.post(f"/accounts/users/{boss.pk}/edit/", _new_user(registry, username="boss"))
    assert response.status_code == 403
    assert User.objects.get(pk=boss.pk).role == Role.PROVINCE_ADMIN


def test_own_role_and_scope_cannot_be_changed_by_oneself(client, registry, as_user):
    me = registry.users["jinghu"]
    as_user("t-jinghu", client)
    client.post(
        f"/accounts/users/{me.pk}/edit/",
        _new_user(
            registry,
            username="t-jinghu",
            union="jinghu_street",
            role=Role.READONLY,
            password1="",
            password2="",
        ),
    )
    me.refresh_from_db()
    assert me.union == registry.unions["jinghu"] and me.role == Role.COUNTY_ADMIN


def test_non_admins_cannot_manage_users(client, registry, as_user):
    as_user("t-viewer", client)
    assert client.get("/accounts/users/").status_code == 403
    assert client.post("/accounts/users/add/", _new_user(registry, union="wuhu")).status_code == 403
    assert not User.objects.filter(username="new-user").exists()


def test_navigation_has_the_entries(client, registry, as_user):
    as_user("t-province", client)
    body = client.get("/").content.decode()
    # 三员分立 (issue 11): the audit log is the audit administrator's alone, province administrators too lose it.
    assert "用户管理" in body and "审计日志" not in body
    # A city administrator cannot open the audit log either, so the menu does not offer it (issue 9 point 12).
    client.logout()
    as_user("t-wuhu", client)
    body = client.get("/").content.decode()
    assert "用户管理" in body and "审计日志" not in body


def test_demo_data_adds_the_three_administrators(registry):
    from types import SimpleNamespace

    from gonghui.accounts import demo_data

    builder = SimpleNamespace(password="gonghui-demo")  # the demo app hands each app its password
    unions = {"province": registry.unions["province"], "wuhu": registry.unions["wuhu"]}
    assert demo_data.load(builder, SimpleNamespace(unions=unions)) == {
        "auditors": 1,
        "system_admins": 1,
        "security_admins": 1,
    }
    auditor = User.objects.get(username="demo-auditor")
    assert auditor.role == Role.AUDITOR and auditor.union == registry.unions["wuhu"]
    assert auditor.can_audit and not auditor.can_edit and not auditor.can_view_sensitive
    sysadmin = User.objects.get(username="demo-sysadmin")
    secadmin = User.objects.get(username="demo-secadmin")
    assert sysadmin.role == Role.SYSTEM_ADMIN and secadmin.role == Role.SECURITY_ADMIN
    assert sysadmin.can_administer_system and not sysadmin.can_manage_users and not sysadmin.can_audit
    assert secadmin.can_manage_users and not secadmin.can_audit and not secadmin.can_edit
    assert not any(u.can_view_sensitive for u in (sysadmin, secadmin, auditor))


def test_edit_page_header_still_shows_the_logged_in_user(client, registry, as_user):
    as_user("t-wuhu", client)
    body = client.get(f"/accounts/users/{registry.users['jinghu'].pk}/edit/").content.decode()
    header = body.split("<main")[0]
    assert "t-wuhu" in header and "市级管理员" in header and "县级管理员" not in header


def test_forbidden_and_not_found_pages_are_chinese_and_leak_nothing(client, registry, as_user):
    as_user("t-viewer", client)
    forbidden = client.get("/accounts/users/")
    assert forbidden.status_code == 403
    body = forbidden.content.decode()
    assert "无权访问" in body and "只有管理员和安全管理员可以管理用户" in body
    as_user("t-jinghu", client)
    missing = client.get(f"/members/{registry.members['jiujiang_1'].pk}/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert "页面不存在" in body and "王鸠一" not in body and "Member" not in body
