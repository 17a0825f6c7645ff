"""Password policy (issue 11): length ≥ 10, three character classes, no username, not common, not one of
the last five; expiry after 90 days and an administrator's reset force a change at the next request; users
change their own password on a page of their own. Every message in Chinese."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import PasswordHistory, Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password-change")
GOOD = "Tuanjie-2026"


@pytest.fixture
def zhang(registry):
    return User.objects.create_user(
        "zhangsan", password=PASSWORD, union=registry.unions["wuhu"], role=Role.READONLY
    )


def errors(password, user):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def test_a_strong_password_passes(zhang):
    validate_password(GOOD, zhang)


def test_shorter_than_ten_is_refused(zhang):
    assert "至少需要 10 个字符" in errors("Ab3-xyz9", zhang)


@pytest.mark.parametrize("password", ["tuanjiegonghui", "tuanjie20261", "TUANJIE-HUI!"])
def test_fewer_than_three_character_classes_are_refused(zhang, password):
    assert "至少 3 类" in errors(password, zhang)


def test_containing_the_username_is_refused(zhang):
    assert "不能包含用户名" in errors("Zhangsan-2026!", zhang)


def test_a_common_password_is_refused(zhang):
    assert "太常见" in errors("Password123", zhang)  # in Django's list of 20 000 common passwords


def test_the_last_five_passwords_are_refused_the_sixth_is_allowed(zhang):
    passwords = [f"Tuanjie-{n}x{n}" for n in range(6)]
    for password in passwords:
        zhang.set_password(password)
        zhang.save()
    assert PasswordHistory.objects.filter(user=zhang).count() == 5
    for recent in passwords[1:]:
        assert "最近 5 次" in errors(recent, zhang)
    validate_password(passwords[0], zhang)  # six changes ago: allowed again
    validate_password(GOOD, zhang)


def test_history_stores_hashes_not_passwords(zhang):
    assert all(
        GOOD not in row.password and row.password.startswith("md5$") for row in zhang.password_history.all()
    )


def test_user_changes_own_password_and_is_audited(client, zhang):
    client.force_login(zhang)
    page = client.get(CHANGE)
    assert page.status_code == 200 and "原密码" in page.content.decode()
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.check_password(GOOD)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGE, user=zhang).exists()
    assert client.get(reverse("core:home")).status_code == 200  # this session stays signed in


def test_a_weak_new_password_is_refused_in_chinese(client, zhang):
    client.force_login(zhang)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    assert "至少需要 10 个字符" in response.content.decode()
    zhang.refresh_from_db()
    assert zhang.check_password(PASSWORD)


def test_an_expired_password_forces_a_change(client, zhang):
    User.objects.filter(pk=zhang.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(zhang)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == CHANGE
    assert "超过有效期" in client.get(CHANGE).content.decode()
    client.post(CHANGE, {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
    assert client.get(reverse("core:home")).status_code == 200


def test_expiry_is_a_setting(client, zhang, settings):
    User.objects.filter(pk=zhang.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=31))
    client.force_login(zhang)
    assert client.get(reverse("core:home")).status_code == 200
    settings.GONGHUI_PASSWORD_MAX_AGE_DAYS = 30
    assert client.get(reverse("core:home")).status_code == 302


def test_first_login_after_an_admin_reset_forces_a_change(registry, zhang):
    admin = registry.users["wuhu"]
    services.save_user(zhang, actor=admin, password="Reset-by-admin-1")
    zhang.refresh_from_db()
    assert zhang.must_change_password
    client = Client()
    assert (
        client.post(
            reverse("accounts:login"), {"username": "zhangsan", "password": "Reset-by-admin-1"}
        ).status_code
        == 302
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == CHANGE
    assert "管理员重置" in client.get(CHANGE).content.decode()
    client.post(CHANGE, {"old_password": "Reset-by-admin-1", "new_password1": GOOD, "new_password2": GOOD})
    zhang.refresh_from_db()
    assert not zhang.must_change_password
    assert client.get(reverse("core:home")).status_code == 200


def test_logout_stays_reachable_while_a_change_is_due(client, zhang):
    User.objects.filter(pk=zhang.pk).update(must_change_password=True)
    client.force_login(zhang)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
