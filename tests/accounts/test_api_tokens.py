"""API tokens (issue 11): 90 days by default, listed and revocable by their owner and by an administrator
who manages the owner, issuance and revocation audited, a revoked token refused at once."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:token-list")


def bearer(key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_default_expiry_is_ninety_days_and_issuance_is_audited(registry):
    token, _ = services.issue_token(registry.users["jinghu"], "同步")
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    row = AuditEvent.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert "签发" in row.detail


def test_the_command_issues_ninety_day_tokens_too(registry, capsys):
    call_command("issue_token", "t-jinghu", "同步")
    token = ApiToken.objects.get(user=registry.users["jinghu"])
    assert token.expires_at > timezone.now() + dt.timedelta(days=89)


def test_expiry_default_is_a_setting(registry, settings):
    settings.GONGHUI_API_TOKEN_DAYS = 7
    token, _ = services.issue_token(registry.users["jinghu"], "短期")
    assert token.expires_at < timezone.now() + dt.timedelta(days=8)


def test_owner_lists_and_revokes_own_token(registry, as_user):
    token, key = services.issue_token(registry.users["jinghu"], "同步")
    assert bearer(key).get("/api/v1/members").status_code == 200
    client = as_user("jinghu")
    page = client.get(LIST).content.decode()
    assert "同步" in page and token.prefix in page and "有效" in page
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None and "已吊销" in client.get(LIST).content.decode()
    assert bearer(key).get("/api/v1/members").status_code == 401
    row = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(token.pk))
    assert "吊销" in row.detail and row.user == registry.users["jinghu"]


def test_an_administrator_revokes_the_token_of_a_user_they_manage(registry, as_user):
    token, key = services.issue_token(registry.users["jinghu"], "同步")
    client = as_user("wuhu")
    assert "同步" in client.get(LIST).content.decode()
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert bearer(key).get("/api/v1/members").status_code == 401


def test_someone_else_cannot_revoke_or_see_a_token(registry, as_user):
    token, key = services.issue_token(registry.users["jinghu"], "同步")
    client = as_user("jiujiang")
    assert "同步" not in client.get(LIST).content.decode()
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(key).get("/api/v1/members").status_code == 200
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(token.pk)).exists()


def test_an_administrator_cannot_revoke_the_token_of_a_user_above_them(registry, as_user):
    token, _ = services.issue_token(registry.users["wuhu"], "市级同步")
    client = as_user("wuhu")  # sees it (own) ...
    other = as_user("jinghu", Client())  # ... a county administrator below does not
    assert other.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and client.get(LIST).status_code == 200
