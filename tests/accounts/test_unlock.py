"""登录锁定 (issue 11): the security administrator lists the lockouts of its subtree — accounts and
addresses (an office behind one NAT address) — and lifts them, audited; a business administrator and the
auditor are refused and the lockout stays in force."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PAGE = reverse("accounts:lockout-list")
UNLOCK = reverse("accounts:lockout-unlock")
OFFICE = "10.20.30.40"


def login(username, password, ip=OFFICE):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock_account(username, ip=OFFICE):
    for _ in range(5):
        login(username, "wrong-password", ip)
    assert login(username, PASSWORD, ip).status_code == 429


def security_admin(registry, union="wuhu", key="sec"):
    return User.objects.create_user(
        f"t-{key}-{union}", password=PASSWORD, union=registry.unions[union], role=Role.SECURITY_ADMIN
    )


def unlock_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.OTHER, detail__startswith="解除")


def test_security_admin_lists_an_account_lockout_and_lifts_it_then_login_works(registry, as_user):
    lock_account("t-jinghu")
    client = as_user(security_admin(registry))
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    # The account and the address it failed from are both locked (five failures each), each listed.
    assert "t-jinghu" in text and OFFICE in text and "账号" in text and "来源地址" in text
    response = client.post(UNLOCK, {"kind": "username", "value": "t-jinghu"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="t-jinghu").exists()
    assert login("t-jinghu", PASSWORD).status_code == 302  # signed in, from the same address
    event = unlock_events().get()
    assert event.user.username == "t-sec-wuhu" and event.ip == "10.0.0.9"
    assert "t-jinghu" in event.detail and event.object_id == str(registry.users["jinghu"].pk)
    after = client.get(PAGE).content.decode()
    assert "已解除账号「t-jinghu」的登录锁定" in after
    # Axes's reset removed the account's failures from every address, so the office is free again too.
    assert "<code>t-jinghu</code>" not in after and f"<code>{OFFICE}</code>" not in after


def test_an_address_only_lockout_is_listed_and_lifted(registry, as_user):
    """Five colleagues behind one NAT address each mistype once: the address is locked, no account is."""
    for name in ("t-jinghu", "t-viewer", "someone-1", "someone-2", "someone-3"):
        login(name, "wrong-password")
    assert login("t-wuhu", PASSWORD).status_code == 429  # a sixth colleague is refused too
    client = as_user(security_admin(registry))
    text = client.get(PAGE).content.decode()
    assert OFFICE in text and "来源地址" in text
    assert ">账号<" not in text  # no account lockout among them
    assert client.post(UNLOCK, {"kind": "ip", "value": OFFICE}).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address=OFFICE).exists()
    assert login("t-wuhu", PASSWORD).status_code == 302
    assert OFFICE in unlock_events().get().detail


@pytest.mark.parametrize("who", ["province", "auditor"])
def test_business_admin_and_auditor_are_refused_and_the_lockout_stays(registry, as_user, who):
    if who == "auditor":
        registry.users[who] = User.objects.create_user(
            "t-aud", password=PASSWORD, union=registry.unions["province"], role=Role.AUDITOR
        )
    lock_account("t-jinghu")
    attempts = AccessAttempt.objects.count()
    client = as_user(registry.users[who])
    assert client.get(PAGE).status_code == 403
    assert client.post(UNLOCK, {"kind": "username", "value": "t-jinghu"}).status_code == 403
    assert AccessAttempt.objects.count() == attempts
    assert login("t-jinghu", PASSWORD).status_code == 429
    assert not unlock_events().exists()
    assert "登录锁定" not in client.get(reverse("core:home")).content.decode()  # no menu entry either


def test_a_security_admin_of_another_subtree_neither_sees_nor_lifts_it(registry, as_user):
    lock_account("t-jinghu")
    client = as_user(security_admin(registry, "jiujiang"))
    text = client.get(PAGE).content.decode()
    assert "t-jinghu" not in text and OFFICE not in text
    assert client.post(UNLOCK, {"kind": "username", "value": "t-jinghu"}).status_code == 404
    assert client.post(UNLOCK, {"kind": "ip", "value": OFFICE}).status_code == 404
    assert login("t-jinghu", PASSWORD).status_code == 429
    assert not unlock_events().exists()


def test_unknown_usernames_are_the_top_level_security_admins(registry, as_user):
    """A name that belongs to nobody (an attacker's guess) is in no subtree: the provincial security
    administrator sees and lifts it, a city's does not see it."""
    lock_account("admin", ip="10.66.66.66")
    city = as_user(security_admin(registry, "wuhu"), Client())
    assert "10.66.66.66" not in city.get(PAGE).content.decode()
    province = as_user(security_admin(registry, "province"), Client())
    text = province.get(PAGE).content.decode()
    assert "admin" in text and "无此用户" in text and "10.66.66.66" in text
    assert province.post(UNLOCK, {"kind": "username", "value": "admin"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="admin").exists()


def test_bad_parameters_are_a_chinese_400_and_nothing_changes(registry, as_user):
    lock_account("t-jinghu")
    client = as_user(security_admin(registry))
    response = client.post(UNLOCK, {"kind": "everything", "value": ""})
    assert response.status_code == 400 and "参数" in response.content.decode()
    assert AccessAttempt.objects.filter(username="t-jinghu").exists()


def test_the_menu_shows_the_security_tools_to_the_security_admin(registry, as_user):
    text = as_user(security_admin(registry)).get(reverse("core:home")).content.decode()
    for label, name in (("登录锁定", "lockout-list"), ("会话", "session-all"), ("令牌", "token-all")):
        assert label in text and reverse(f"accounts:{name}") in text
