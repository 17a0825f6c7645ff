"""登录会话 (issue 11): each login recorded; at most GONGHUI_MAX_SESSIONS live sessions per user (the
oldest ends, its browser told why, audited); users list and end their own sessions, the security
administrator those of its subtree; a password change — one's own or an administrator's reset — ends
every other session of the user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role, User, UserSession, summarise_user_agent
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MINE = reverse("accounts:session-list")
ALL = reverse("accounts:session-all")
HOME = reverse("core:home")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
NEW_PASSWORD = "Wuhu-2026-newpass"


def signed_in(client) -> bool:
    return client.get(HOME).status_code == 200


def login_page(username, ip="10.3.3.3", agent=CHROME) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    return client


def session_ends():
    return AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, object_type="accounts.usersession")


def test_a_login_is_recorded_and_listed_as_the_current_session(registry):
    client = login_page("t-jinghu")
    row = UserSession.objects.get(user=registry.users["jinghu"])
    assert row.ip == "10.3.3.3" and row.ended_at is None
    assert client.session["_gonghui_session_id"] == row.pk
    text = client.get(MINE).content.decode()
    assert "10.3.3.3" in text and "谷歌浏览器 120 · 电脑" in text and "当前会话" in text


def test_logout_ends_the_row(registry):
    client = login_page("t-jinghu")
    client.post(reverse("accounts:logout"))
    row = UserSession.objects.get(user=registry.users["jinghu"])
    assert row.ended_at is not None and row.end_reason == UserSession.EndReason.LOGOUT


def test_a_login_beyond_the_limit_ends_the_oldest_which_is_told_why(registry, settings):
    settings.GONGHUI_MAX_SESSIONS = 3
    clients = [login_page("t-jinghu", ip=f"10.3.3.{n}") for n in range(1, 5)]
    oldest = UserSession.objects.filter(user=registry.users["jinghu"]).order_by("created_at", "pk").first()
    assert oldest.end_reason == UserSession.EndReason.LIMIT and oldest.ip == "10.3.3.1"
    assert UserSession.objects.live().filter(user=registry.users["jinghu"]).count() == 3
    response = clients[0].get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "同时登录数超过上限（3 个）" in response.content.decode()
    assert not signed_in(clients[0])
    assert all(signed_in(c) for c in clients[1:])
    event = session_ends().get()
    assert event.object_id == str(oldest.pk) and "10.3.3.1" in event.detail and event.ip == "10.3.3.4"


def test_timed_out_sessions_do_not_count_against_the_limit(registry, settings):
    settings.GONGHUI_MAX_SESSIONS = 2
    login_page("t-jinghu")
    login_page("t-jinghu")
    # Both browsers were closed two hours ago: idle beyond the 30 minutes.
    UserSession.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=2))
    login_page("t-jinghu")
    assert not UserSession.objects.exclude(ended_at=None).exists()
    assert not session_ends().exists()


def test_a_user_ends_their_own_other_session_which_is_logged_out(registry):
    here, there = login_page("t-jinghu", ip="10.3.3.1"), login_page("t-jinghu", ip="10.3.3.2")
    other = UserSession.objects.get(ip="10.3.3.2")
    response = here.post(reverse("accounts:session-end", args=[other.pk]), REMOTE_ADDR="10.3.3.1")
    assert response.status_code == 302
    followed = there.get(HOME, follow=True).content.decode()
    assert "本次登录已在「我的登录会话」中被结束" in followed
    assert not signed_in(there) and signed_in(here)
    event = session_ends().get()
    assert event.user == registry.users["jinghu"] and "本人结束" in event.detail


def test_nobody_but_the_owner_and_the_security_admin_ends_a_session(registry, as_user):
    target = login_page("t-jinghu")
    row = UserSession.objects.get(user=registry.users["jinghu"])
    # The city administrator manages t-jinghu's account but not its sessions: it does not even see them.
    city = as_user("wuhu", Client())
    assert "10.3.3.3" not in city.get(MINE).content.decode()
    assert city.post(reverse("accounts:session-end", args=[row.pk])).status_code == 404
    assert city.get(ALL).status_code == 403
    row.refresh_from_db()
    assert row.ended_at is None and signed_in(target)
    assert not session_ends().exists()


def test_the_security_admin_sees_and_ends_sessions_of_its_subtree(registry, as_user):
    target = login_page("t-jinghu")
    outside = login_page("t-jiujiang", ip="10.4.4.4")
    admin = User.objects.create_user(
        "t-sec-jinghu", password=PASSWORD, union=registry.unions["jinghu"], role=Role.SECURITY_ADMIN
    )
    client = as_user(admin, Client())
    text = client.get(ALL).content.decode()
    assert "t-jinghu" in text and "10.3.3.3" in text
    assert "t-jiujiang" not in text and "10.4.4.4" not in text
    row = UserSession.objects.get(user=registry.users["jinghu"])
    assert client.post(reverse("accounts:session-end", args=[row.pk]), {"next": "all"}).status_code == 302
    other = UserSession.objects.get(user=registry.users["jiujiang"])
    assert client.post(reverse("accounts:session-end", args=[other.pk])).status_code == 404
    assert "安全管理员已结束您的本次登录" in target.get(HOME, follow=True).content.decode()
    assert signed_in(outside)
    assert session_ends().get().user == admin


def test_changing_ones_password_ends_every_other_session(registry):
    here, there = login_page("t-jinghu", ip="10.3.3.1"), login_page("t-jinghu", ip="10.3.3.2")
    response = here.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(here)  # update_session_auth_hash keeps the session that changed it
    assert not signed_in(there)  # Django's session hash no longer matches
    rows = {r.ip: r for r in UserSession.objects.filter(user=registry.users["jinghu"])}
    assert rows["10.3.3.1"].ended_at is None
    assert rows["10.3.3.2"].end_reason == UserSession.EndReason.PASSWORD
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGE)
    assert "结束其他 1 个登录会话" in event.detail


def test_an_administrators_reset_ends_every_session_of_the_user(registry, as_user):
    one, two = login_page("t-jinghu", ip="10.3.3.1"), login_page("t-jinghu", ip="10.3.3.2")
    target = registry.users["jinghu"]
    city = as_user("wuhu", Client())
    data = {
        "username": "t-jinghu",
        "full_name": "",
        "union": registry.unions["jinghu"].pk,
        "role": Role.COUNTY_ADMIN,
        "is_active": "on",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "view_sensitive": "on",
    }
    assert city.post(reverse("accounts:user-edit", args=[target.pk]), data).status_code == 302
    assert not signed_in(one) and not signed_in(two)
    assert not UserSession.objects.filter(user=target, ended_at=None).exists()
    assert set(UserSession.objects.filter(user=target).values_list("end_reason", flat=True)) == {"password"}
    event = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(target.pk)).latest("id")
    assert "重置密码" in event.detail and "结束其 2 个登录会话" in event.detail


def test_a_session_from_before_the_table_is_recorded_at_its_next_request(registry, as_user):
    client = as_user("jinghu")
    UserSession.objects.all().delete()
    assert signed_in(client)
    assert UserSession.objects.filter(user=registry.users["jinghu"], ended_at=None).count() == 1


@pytest.mark.parametrize(
    "agent, shown",
    [
        (CHROME, "谷歌浏览器 120 · 电脑"),
        (CHROME.replace("Safari/537.36", "Safari/537.36 Edg/121.0.0.0"), "微软浏览器 121 · 电脑"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", "火狐浏览器 125 · 手机"),
        ("", "未知"),
        ("curl/8.5.0", "其他浏览器 · 电脑"),
    ],
)
def test_the_browser_is_named_in_chinese(agent, shown):
    assert summarise_user_agent(agent) == shown
