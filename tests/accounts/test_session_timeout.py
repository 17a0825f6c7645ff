"""Session timeouts (issue 11): 30 idle minutes or 8 hours after the login end the session; a password
change ends the user's other sessions. Time travels by moving the session's timestamps back."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts.middleware import LOGIN_AT, SEEN_AT
from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
LOGIN = reverse("accounts:login")


@pytest.fixture
def li(registry):
    return User.objects.create_user(
        "lisi", password=PASSWORD, union=registry.unions["wuhu"], role=Role.READONLY
    )


def logged_in(user, ip="10.5.5.5"):
    client = Client()
    assert (
        client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ip).status_code
        == 302
    )
    return client


def travel(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_login_starts_the_clock(li):
    client = logged_in(li)
    assert abs(client.session[LOGIN_AT] - time.time()) < 60
    assert client.get(HOME).status_code == 200


def test_29_idle_minutes_keep_the_session(li):
    client = logged_in(li)
    travel(client, **{SEEN_AT: 29 * 60})
    assert client.get(HOME).status_code == 200
    assert time.time() - client.session[SEEN_AT] < 60  # the request moved the last-seen time on


def test_31_idle_minutes_end_the_session(li):
    client = logged_in(li)
    travel(client, **{SEEN_AT: 31 * 60})
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "30 分钟未操作" in client.get(response.url).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, user=li).exists()


def test_eight_hours_after_login_end_a_busy_session(li):
    client = logged_in(li)
    travel(client, **{LOGIN_AT: 8 * 3600 + 60, SEEN_AT: 10})
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "已满 8 小时" in client.get(response.url).content.decode()
    assert client.get(HOME).status_code == 302


def test_timeouts_are_settings(li, settings):
    settings.GONGHUI_SESSION_IDLE_MINUTES = 5
    client = logged_in(li)
    travel(client, **{SEEN_AT: 6 * 60})
    assert client.get(HOME).status_code == 302


def test_the_cookie_lives_no_longer_than_a_session_may(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(li):
    here, elsewhere = logged_in(li, "10.5.5.6"), logged_in(li, "10.5.5.7")
    assert elsewhere.get(HOME).status_code == 200
    new = "Tuanjie-2026"
    here.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert here.get(HOME).status_code == 200
    response = elsewhere.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
