"""Second factor (issue 11): with GONGHUI_ADMIN_OTP on, administrators give a TOTP code after the password
(and enrol at first login); other users are asked once they enrolled; wrong codes are limited and audited;
the security administrator alone resets a user's device; the API's session path needs the code too."""

from __future__ import annotations

import datetime as dt
import time
import types

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import otp
from gonghui.accounts.models import Role, User
from gonghui.accounts.services import issue_token
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:otp-verify")
ENROL = reverse("accounts:otp-enrol")
STATUS = reverse("accounts:otp-status")
A = AuditEvent.Action


@pytest.fixture
def otp_on(settings):
    settings.GONGHUI_ADMIN_OTP = True


@pytest.fixture
def secadmin(registry):
    return User.objects.create_user(
        "t-secadmin", password=PASSWORD, union=registry.unions["province"], role=Role.SECURITY_ADMIN
    )


def login(client: Client, username: str) -> None:
    """Through the login form, as a person does (django-axes and the login signals run)."""
    response = client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def code(device: TOTPDevice) -> str:
    """The code the user's app shows now (django_otp.oath.totp with the device's key), or the next one when
    the current step was already used (a code is accepted once)."""
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    if clock.t() > device.last_t:
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    clock.time += (device.last_t + 1 - clock.t()) * device.step
    return f"{clock.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that none of the steps the device accepts now would produce."""
    device.refresh_from_db()
    accepted = set()
    for ahead in (-1, 0, 1, 2):
        clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        clock.time = time.time() + ahead * device.step
        accepted.add(f"{clock.token():06d}")
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in accepted)


def enrolled(user: User) -> TOTPDevice:
    """A confirmed device, as after an enrolment."""
    return TOTPDevice.objects.create(user=user, name=otp.CONFIRMED_NAME, confirmed=True)


def events(action: str, user: User):
    return AuditEvent.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


def member_names(registry, subtree_key: str = "wuhu") -> list[str]:
    root = registry.unions[subtree_key]
    return [m.name for m in registry.members.values() if m.union.path.startswith(root.path)]


def test_setting_off_nobody_is_asked(client, registry):
    login(client, "t-wuhu")
    response = client.get("/members/")
    assert response.status_code == 200
    assert registry.members["jiujiang_1"].name in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="otp_").exists()


def test_admin_without_device_is_sent_to_enrolment_and_reaches_no_data(client, registry, otp_on):
    login(client, "t-wuhu")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(ENROL)
    names = member_names(registry)
    assert names  # the check below is not vacuous
    for url in ("/members/", f"/members/{registry.members['jiujiang_1'].pk}/", "/orgs/unions/", STATUS):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(ENROL), url
        assert not any(name in response.content.decode() for name in names)
    # htmx widgets are redirected the htmx way, with no body either.
    partial = client.get("/members/", headers={"HX-Request": "true"})
    assert partial.status_code == 204 and partial["HX-Redirect"] == ENROL and not partial.content
    # The code page is not a way round: there is no device to check a code against yet.
    assert client.get(VERIFY)["Location"].startswith(ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "管理员账号" in page.content.decode()


def test_enrolment_page_shows_the_qr_code_and_a_right_code_confirms_it(client, registry, otp_on):
    user = registry.users["wuhu"]
    login(client, "t-wuhu")
    page = client.get(ENROL, {"next": "/members/"}).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in page
    assert otp.secret_groups(device) in page
    # Reloading shows the same secret (the user may already have scanned it).
    assert client.get(ENROL).content.decode().count(otp.secret_groups(device)) == 1
    response = client.post(ENROL, {"code": code(device), "next": "/members/"})
    assert response.status_code == 302 and response["Location"] == "/members/"
    device.refresh_from_db()
    assert device.confirmed and TOTPDevice.objects.filter(user=user).count() == 1
    row = events(A.OTP_ENROLLED, user).get()
    assert row.user == user and row.ip == "127.0.0.1"
    members = client.get("/members/")
    assert members.status_code == 200 and registry.members["jiujiang_1"].name in members.content.decode()


def test_enrolment_with_a_wrong_code_is_refused_and_audited(client, registry, otp_on):
    user = registry.users["wuhu"]
    login(client, "t-wuhu")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": wrong_code(device)})
    assert response.status_code == 200 and "动态验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert events(A.OTP_FAILED, user).count() == 1
    assert not events(A.OTP_ENROLLED, user).exists()
    assert client.get("/members/").status_code == 302


def test_next_login_asks_for_the_code_wrong_refused_right_accepted_once(client, registry, otp_on):
    user = registry.users["wuhu"]
    device = enrolled(user)
    login(client, "t-wuhu")
    asked = client.get("/members/")
    assert asked.status_code == 302 and asked["Location"] == f"{VERIFY}?next=%2Fmembers%2F"
    # An unverified user with a device cannot enrol a new one instead of giving the code.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(VERIFY, {"code": wrong_code(device), "next": "/members/"})
    assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
    failed = events(A.OTP_FAILED, user).get()
    assert failed.user == user and "登录" in failed.detail
    assert client.get("/members/").status_code == 302

    right = code(device)
    response = client.post(VERIFY, {"code": right, "next": "/members/"})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert events(A.OTP_VERIFIED, user).count() == 1
    assert client.get("/members/").status_code == 200

    # The same code cannot be used a second time (someone who saw it over the shoulder).
    other = Client()
    login(other, "t-wuhu")
    replay = other.post(VERIFY, {"code": right})
    assert replay.status_code == 200 and other.get("/members/").status_code == 302
    assert events(A.OTP_VERIFIED, user).count() == 1


def test_a_code_that_is_not_six_digits_is_refused_in_chinese_and_not_counted(client, registry, otp_on):
    user = registry.users["wuhu"]
    enrolled(user)
    login(client, "t-wuhu")
    for bad in ("12ab56", "１２３４５６", "12345", "<script>", ""):
        response = client.post(VERIFY, {"code": bad})
        assert response.status_code == 200, bad
        assert "6 位数字" in response.content.decode() or "请输入动态验证码" in response.content.decode()
    assert not events(A.OTP_FAILED, user).exists()


def test_five_wrong_codes_end_the_session_and_lock_until_the_window_passes(
    client, registry, otp_on, monkeypatch
):
    user = registry.users["wuhu"]
    device = enrolled(user)
    login(client, "t-wuhu")
    for _ in range(4):
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200
    fifth = client.post(VERIFY, {"code": wrong_code(device)})
    assert fifth.status_code == 302 and fifth["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert events(A.OTP_FAILED, user).count() == 5
    locked = events(A.OTP_LOCKED, user).get()
    assert "5 次" in locked.detail

    # The password still opens the session, but no code is checked: not even the right one.
    login(client, "t-wuhu")
    page = client.get(VERIFY).content.decode()
    assert "连续输错 5 次" in page and "安全管理员" in page
    assert client.post(VERIFY, {"code": code(device)}).status_code == 302
    assert not events(A.OTP_VERIFIED, user).exists()
    assert client.get("/members/").status_code == 302

    # Fifteen minutes later the right code is taken again.
    later = timezone.now() + dt.timedelta(minutes=16)
    monkeypatch.setattr(
        otp, "timezone", types.SimpleNamespace(now=lambda: later, localtime=timezone.localtime)
    )
    login(client, "t-wuhu")
    assert client.post(VERIFY, {"code": code(device)})["Location"] == reverse("core:home")
    assert events(A.OTP_VERIFIED, user).count() == 1
    assert client.get("/members/").status_code == 200


def test_a_non_administrator_is_not_asked_unless_enrolled(client, registry, otp_on):
    viewer = registry.users["viewer"]
    login(client, "t-viewer")
    assert client.get("/members/").status_code == 200
    # Enrols of their own accord on their page; from then on the code is asked at every login.
    assert "未绑定" in client.get(STATUS).content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=viewer)
    assert client.post(ENROL, {"code": code(device)}).status_code == 302
    assert events(A.OTP_ENROLLED, viewer).exists()
    client.post(reverse("accounts:logout"))
    login(client, "t-viewer")
    assert client.get("/members/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code(device)})
    assert client.get("/members/").status_code == 200


def test_the_three_administrators_are_asked_too(client, registry, otp_on, secadmin):
    login(client, "t-secadmin")
    assert client.get(reverse("accounts:user-list"))["Location"].startswith(ENROL)


def test_second_factor_comes_before_the_forced_password_change(client, registry, otp_on):
    user = registry.users["wuhu"]
    device = enrolled(user)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    login(client, "t-wuhu")
    assert client.get(reverse("accounts:password-change"))["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code(device)})
    assert client.get("/members/")["Location"] == reverse("accounts:password-change")


def test_security_administrator_resets_audited_and_the_user_enrols_again(client, registry, otp_on, secadmin):
    target = registry.users["jinghu"]
    device = enrolled(target)
    victim = Client()
    login(victim, "t-jinghu")
    victim.post(VERIFY, {"code": code(device)})
    assert victim.get("/members/").status_code == 200

    secadmin_device = enrolled(secadmin)
    login(client, "t-secadmin")
    client.post(VERIFY, {"code": code(secadmin_device)})
    edit = client.get(reverse("accounts:user-edit", args=[target.pk])).content.decode()
    assert "已绑定" in edit and "重置动态验证码" in edit
    response = client.post(reverse("accounts:user-otp-reset", args=[target.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    row = events(A.OTP_RESET, target).get()
    assert row.user == secadmin and "t-jinghu" in row.detail

    # The session that had given a code ends; the next login enrols a new device.
    ended = victim.get("/members/")
    assert ended.status_code == 302 and ended["Location"] == LOGIN
    assert "_auth_user_id" not in victim.session
    login(victim, "t-jinghu")
    assert victim.get("/members/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("actor_key", ["province", "wuhu", "viewer"])
def test_a_business_administrator_cannot_reset_a_second_factor(client, registry, actor_key):
    target = registry.users["jinghu"]
    enrolled(target)
    login(client, f"t-{actor_key}")
    edit = client.get(reverse("accounts:user-edit", args=[target.pk])).content.decode()
    assert "重置动态验证码" not in edit
    response = client.post(reverse("accounts:user-otp-reset", args=[target.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=target).count() == 1
    assert not events(A.OTP_RESET, target).exists()


def test_the_security_administrator_cannot_reset_its_own_or_outside_its_subtree(client, registry):
    secadmin = User.objects.create_user(
        "t-sec-jinghu", password=PASSWORD, union=registry.unions["jinghu"], role=Role.SECURITY_ADMIN
    )
    own = enrolled(secadmin)
    outside = registry.users["jiujiang"]
    enrolled(outside)
    login(client, "t-sec-jinghu")
    client.post(VERIFY, {"code": code(own)})  # enrolled of its own accord: asked although the setting is off
    assert client.post(reverse("accounts:user-otp-reset", args=[secadmin.pk])).status_code == 403
    assert client.post(reverse("accounts:user-otp-reset", args=[outside.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user__in=[secadmin, outside]).count() == 2
    assert not AuditEvent.objects.filter(action=A.OTP_RESET).exists()


def test_the_api_session_path_needs_the_code_and_tokens_do_not(client, registry, otp_on):
    user = registry.users["wuhu"]
    device = enrolled(user)
    name = registry.members["jiujiang_1"].name
    login(client, "t-wuhu")
    refused = client.get("/api/v1/members")
    assert refused.status_code == 401 and name not in refused.content.decode()
    # A wrong token does not fall back to the unverified session (ninja tries the session auth next).
    wrong_token = client.get("/api/v1/members", headers={"Authorization": "Bearer gh_not-a-token"})
    assert wrong_token.status_code == 401 and name not in wrong_token.content.decode()
    # An API token is a credential of its own: not asked for a code.
    _, key = issue_token(user, "同步")
    by_token = Client().get("/api/v1/members", headers={"Authorization": f"Bearer {key}"})
    assert by_token.status_code == 200 and name in by_token.content.decode("unicode_escape")
    client.post(VERIFY, {"code": code(device)})
    assert client.get("/api/v1/members").status_code == 200


def test_reenrolment_on_the_own_page_needs_the_current_code(client, registry, otp_on):
    user = registry.users["wuhu"]
    old = enrolled(user)
    login(client, "t-wuhu")
    client.post(VERIFY, {"code": code(old)})
    assert "已绑定" in client.get(STATUS).content.decode()
    # Without the current code the enrolment page stays shut.
    assert client.get(ENROL)["Location"] == STATUS
    assert client.post(STATUS, {"code": wrong_code(old)}).status_code == 200
    assert client.get(ENROL)["Location"] == STATUS
    assert client.post(STATUS, {"code": code(old)})["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(ENROL, {"code": code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert "原设备已作废" in events(A.OTP_ENROLLED, user).get().detail
    assert client.get("/members/").status_code == 200


def test_the_totp_secret_is_not_in_the_admin(settings):
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)


def test_a_reset_also_lifts_a_lock(client, registry, otp_on, secadmin):
    target = registry.users["wuhu"]
    device = enrolled(target)
    login(client, "t-wuhu")
    for _ in range(5):
        client.post(VERIFY, {"code": wrong_code(device)})
    assert events(A.OTP_LOCKED, target).exists() and "_auth_user_id" not in client.session
    otp.reset(target, actor=secadmin, ip="10.0.0.9")
    login(client, "t-wuhu")
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=target)
    assert client.post(ENROL, {"code": code(new)}).status_code == 302
    assert client.get("/members/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "members"])
def test_after_the_code_the_user_goes_only_to_a_page_of_this_site(client, registry, otp_on, target):
    device = enrolled(registry.users["wuhu"])
    login(client, "t-wuhu")
    response = client.post(VERIFY, {"code": code(device), "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
