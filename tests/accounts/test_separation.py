"""三员分立 (issue 11): the system, security and audit administrators — each refused what it must not do,
and the forbidden side effect not happening; none of them reads members' personal data; the Django admin
off by default and, when on, the system administrator's alone and read-only."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import clear_url_caches

from gonghui.accounts import services
from gonghui.accounts.models import Role, User
from gonghui.accounts.roles import grantable_roles, may_manage
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD
from tests.test_masking_sweep import _sweep

pytestmark = pytest.mark.django_db

STRONG = "Anhui-2024-strong"


@pytest.fixture
def three(registry):
    """The three administrators at the provincial federation."""
    province = registry.unions["province"]
    return {
        key: User.objects.create_user(f"t-{key}", password=PASSWORD, union=province, role=role)
        for key, role in (
            ("sysadmin", Role.SYSTEM_ADMIN),
            ("secadmin", Role.SECURITY_ADMIN),
            ("auditor", Role.AUDITOR),
        )
    }


def _form(registry, username, union, role, **extra):
    data = {
        "username": username,
        "full_name": "某人",
        "union": registry.unions[union].pk,
        "role": role,
        "is_active": "on",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(extra)
    return data


def test_one_role_field_and_no_superuser_among_the_three(three):
    for user in three.values():
        user.is_superuser = True
        with pytest.raises(ValidationError):
            user.validate_constraints()
        with pytest.raises(IntegrityError), transaction.atomic():
            user.save()


def test_none_of_the_three_holds_view_sensitive(registry, three):
    auditor = three["auditor"]
    with pytest.raises(ValidationError):
        services.save_user(auditor, actor=three["secadmin"], view_sensitive=True)
    assert not auditor.user_permissions.filter(codename="view_sensitive").exists()
    # Granted behind the service's back, it still reveals nothing: the role decides.
    auditor.user_permissions.add(services.sensitive_permission())
    assert not User.objects.get(pk=auditor.pk).can_view_sensitive
    # A business user who held it loses it when made one of the three, and the audit row says so.
    county = registry.users["jinghu"]
    county.role = Role.SECURITY_ADMIN
    services.save_user(county, actor=three["secadmin"], changed=["角色"])
    assert not county.user_permissions.filter(codename="view_sensitive").exists()
    assert "收回查看敏感信息" in AuditEvent.objects.filter(object_id=str(county.pk)).latest("id").detail


@pytest.mark.parametrize("key", ["sysadmin", "secadmin", "auditor"])
def test_the_three_see_members_masked_everywhere(client, registry, three, key):
    assert client.login(username=f"t-{key}", password=PASSWORD)
    member = registry.members["jiujiang_1"]
    assert client.post(f"/members/{member.pk}/reveal/", {"field": "id_number"}).status_code == 403
    problems, pages = _sweep(client, registry)
    assert not problems, "\n".join(problems)
    assert pages >= 30
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_county_admin_cannot_create_an_auditor(client, registry, as_user):
    as_user("jinghu", client)
    assert Role.AUDITOR not in grantable_roles(registry.users["jinghu"])
    response = client.post("/accounts/users/add/", _form(registry, "my-auditor", "jinghu", Role.AUDITOR))
    assert response.status_code == 200 and "只能由安全管理员授予" in response.content.decode()
    assert not User.objects.filter(username="my-auditor").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_city_admin_cannot_reset_edit_or_deactivate_the_auditor(client, registry, as_user):
    auditor = User.objects.create_user(
        "t-aud", password=PASSWORD, union=registry.unions["jinghu"], role=Role.AUDITOR
    )
    as_user("wuhu", client)
    assert not may_manage(registry.users["wuhu"], auditor)
    edit = f"/accounts/users/{auditor.pk}/edit/"
    assert client.get(edit).status_code == 403
    data = _form(
        registry, "t-aud", "jinghu", Role.AUDITOR, password1="Reset-2026-pass", password2="Reset-2026-pass"
    )
    assert client.post(edit, data).status_code == 403
    assert client.post(f"/accounts/users/{auditor.pk}/disable/").status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD) and auditor.is_active
    assert client.login(username="t-aud", password=PASSWORD)  # the old password still works
    assert not AuditEvent.objects.filter(object_id=str(auditor.pk)).exists()


def test_province_admin_manages_no_administrator_of_the_three(registry, three):
    province = registry.users["province"]
    assert not any(may_manage(province, user) for user in three.values())
    assert not set(grantable_roles(province)) & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}


def test_security_admin_manages_the_auditor_and_each_act_is_audited(client, registry, three, as_user):
    as_user("secadmin", client)
    assert client.get("/accounts/users/").status_code == 200
    response = client.post("/accounts/users/add/", _form(registry, "new-auditor", "wuhu", Role.AUDITOR))
    assert response.status_code == 302, response.content.decode()[:2000]
    new = User.objects.get(username="new-auditor")
    assert new.role == Role.AUDITOR
    data = _form(
        registry,
        "new-auditor",
        "wuhu",
        Role.AUDITOR,
        password1="Reset-2026-pass",
        password2="Reset-2026-pass",
    )
    assert client.post(f"/accounts/users/{new.pk}/edit/", data).status_code == 302
    assert client.post(f"/accounts/users/{new.pk}/disable/").status_code == 302
    new.refresh_from_db()
    assert new.check_password("Reset-2026-pass") and not new.is_active
    events = AuditEvent.objects.filter(object_id=str(new.pk)).order_by("id")
    assert [e.action for e in events] == [
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
        AuditEvent.Action.DELETE,
    ]
    assert all(e.username == "t-secadmin" for e in events)
    assert "重置密码" in events[1].detail


def test_security_admin_cannot_read_the_audit_log_or_reveal(client, registry, three, as_user):
    as_user("secadmin", client)
    assert client.get("/accounts/audit/").status_code == 403
    body = client.get("/").content.decode()
    assert "用户管理" in body and "审计日志" not in body
    # It cannot grant 查看敏感信息 either: it does not hold it, so the form does not offer it.
    page = client.get("/accounts/users/add/").content.decode()
    assert 'name="view_sensitive"' not in page


def test_audit_admin_reads_the_log_and_edits_nothing(client, registry, three, as_user):
    as_user("auditor", client)
    assert client.get("/accounts/audit/").status_code == 200
    assert client.get("/accounts/users/").status_code == 403
    before = User.objects.count()
    assert (
        client.post(
            "/accounts/users/add/", _form(registry, "sneaky", "wuhu", Role.PROVINCE_ADMIN)
        ).status_code
        == 403
    )
    assert User.objects.count() == before
    member = registry.members["jiujiang_1"]
    name = member.name
    assert client.post(f"/members/{member.pk}/edit/", {"name": "改名"}).status_code == 403
    member.refresh_from_db()
    assert member.name == name
    assert client.post(f"/accounts/users/{registry.users['viewer'].pk}/disable/").status_code == 403
    assert User.objects.get(pk=registry.users["viewer"].pk).is_active


def test_province_admin_loses_the_audit_log(client, registry, as_user):
    as_user("province", client)
    assert client.get("/accounts/audit/").status_code == 403


def test_system_admin_manages_no_user_and_reads_no_log(client, registry, three, as_user):
    as_user("sysadmin", client)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/audit/").status_code == 403
    assert (
        client.post("/accounts/users/add/", _form(registry, "x-user", "wuhu", Role.AUDITOR)).status_code
        == 403
    )
    assert not User.objects.filter(username="x-user").exists()


def test_django_admin_is_off_by_default(client, three, as_user):
    as_user("sysadmin", client)
    assert client.get("/admin/").status_code == 404


@pytest.fixture
def admin_on():
    import gonghui.urls

    with override_settings(GONGHUI_ADMIN_ENABLED=True):
        importlib.reload(gonghui.urls)
        clear_url_caches()
        yield
    importlib.reload(gonghui.urls)
    clear_url_caches()


def test_django_admin_when_on_is_the_system_admins_alone_and_read_only(
    client, registry, three, as_user, admin_on
):
    from gonghui.targets.models import Metric

    as_user("province", client)
    assert client.get("/admin/").status_code == 302  # to the application's login page, not in
    for key in ("secadmin", "auditor"):
        as_user(key, client)
        # 三员分立 (issue 11): refused at the door now (403), no longer sent to the admin's login (302)
        assert client.get("/admin/").status_code == 403
    as_user("sysadmin", client)
    index = client.get("/admin/")
    assert index.status_code == 200
    body = index.content.decode()
    assert "/admin/accounts/" not in body and "/admin/members/" not in body  # no personal data there
    assert client.get("/admin/accounts/user/").status_code == 404
    assert client.get("/admin/targets/metric/").status_code == 200
    assert client.get("/admin/targets/metric/add/").status_code == 403
    metric = Metric.objects.first()
    if metric is not None:
        before = Metric.objects.get(pk=metric.pk).name
        client.post(f"/admin/targets/metric/{metric.pk}/change/", {"name": "改掉"})
        assert Metric.objects.get(pk=metric.pk).name == before
        assert client.post(f"/admin/targets/metric/{metric.pk}/delete/", {"post": "yes"}).status_code == 403
        assert Metric.objects.filter(pk=metric.pk).exists()


def test_audit_admin_exports_the_log_and_the_export_is_audited(client, registry, three, as_user):
    services.save_user(registry.users["viewer"], actor=three["secadmin"], changed=["姓名"])
    as_user("auditor", client)
    response = client.get("/accounts/audit/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "t-secadmin,修改,用户," in body  # Chinese values, not "update" / "accounts.user"
    exported = AuditEvent.objects.filter(username="t-auditor", action=AuditEvent.Action.EXPORT).get()
    assert exported.detail.startswith("导出审计日志（csv）")
    rows = len(body.strip().splitlines()) - 1  # the header
    assert rows >= 1 and exported.detail.endswith(f"共 {rows} 行")
    # Nobody else exports it: the page itself is refused.
    as_user("secadmin", client)
    assert client.get("/accounts/audit/?export=csv").status_code == 403
    assert not AuditEvent.objects.filter(username="t-secadmin", action=AuditEvent.Action.EXPORT).exists()
