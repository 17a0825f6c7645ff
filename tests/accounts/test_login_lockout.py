"""Login lockout (django-axes): 5 failed logins per account or per address lock it for 15 minutes; the
lockout page is Chinese and names the way out; logins, failures, lockouts and logouts are audited."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password=PASSWORD, role=Role.READONLY)


def post(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="10.1.1.1"):
    for _ in range(times):
        post(client, username, "wrong-password", ip)


def test_right_password_logs_in_and_is_audited(client, alice):
    response = post(client, "alice", PASSWORD)
    assert response.status_code == 302
    row = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert row.username == "alice" and row.ip == "10.1.1.1"


def test_four_failures_still_let_the_right_password_in(client, alice):
    fail(client, "alice", 4)
    assert post(client, "alice", PASSWORD).status_code == 302


def test_fifth_failure_locks_and_sixth_try_is_refused_even_with_the_right_password(client, alice):
    fail(client, "alice", 4)
    locked = post(client, "alice", "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已被锁定" in page and "15 分钟" in page and "安全管理员" in page
    sixth = post(client, "alice", PASSWORD)
    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() >= 5
    locks = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_LOCKED)
    assert locks.count() == 2  # the lockout itself and the refused sixth try
    assert all("alice" in row.detail and row.ip == "10.1.1.1" for row in locks)


def test_the_account_is_locked_from_every_address(client, alice):
    for n in range(5):
        post(client, "alice", "wrong-password", ip=f"10.2.0.{n}")
    assert post(Client(), "alice", PASSWORD, ip="10.9.9.9").status_code == 429


def test_an_address_guessing_many_accounts_is_locked(client, alice):
    for n in range(5):
        post(client, f"nobody{n}", "wrong-password", ip="10.3.3.3")
    assert post(Client(), "alice", PASSWORD, ip="10.3.3.3").status_code == 429
    assert post(Client(), "alice", PASSWORD, ip="10.4.4.4").status_code == 302


def test_lockout_ends_after_the_cool_off_time(client, alice):
    fail(client, "alice", 5)
    assert post(client, "alice", PASSWORD).status_code == 429
    # Travel 16 minutes on: the attempts are older than the cool-off time.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert post(Client(), "alice", PASSWORD).status_code == 302


def test_security_administrator_unlocks_with_the_command(client, alice):
    fail(client, "alice", 5)
    call_command("axes_reset_username", "alice")
    call_command("axes_reset_ip", "10.1.1.1")
    assert post(Client(), "alice", PASSWORD).status_code == 302


def test_limit_and_time_are_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    fail(client, "alice", 1)
    response = post(client, "alice", "wrong-password")
    assert response.status_code == 429 and "30 分钟" in response.content.decode()


def test_logout_is_audited(client, alice):
    post(client, "alice", PASSWORD)
    client.post(reverse("accounts:logout"))
    row = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert row.username == "alice"
