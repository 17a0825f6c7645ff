"""API tokens are read-only unless granted (issue 11): a read-only token's write call answers 403 in
Chinese and writes nothing, whatever the route (enforced once in api_auth.TokenAuth); only the security
administrator grants write scope, only to a user who can edit, audited. Owners issue their own tokens on
the page, the key shown once; the security administrator lists and revokes every token of its subtree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:token-list")
ALL = reverse("accounts:token-all")


def bearer(key) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def reveal(key, member):
    return bearer(key).post(f"/api/v1/members/{member.pk}/reveal")


def reveals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)


def grants():
    return AuditEvent.objects.filter(object_type="accounts.apitoken", detail__contains="写权限")


@pytest.fixture
def secadmin(registry):
    return User.objects.create_user(
        "t-sec", password=PASSWORD, union=registry.unions["wuhu"], role=Role.SECURITY_ADMIN
    )


def test_a_read_only_tokens_post_is_refused_and_writes_nothing(registry):
    _, key = services.issue_token(registry.users["jinghu"], "只读同步")
    member = registry.members["jinghu_1"]
    assert bearer(key).get(f"/api/v1/members/{member.pk}").status_code == 200
    response = reveal(key, member)
    assert response.status_code == 403
    assert "只读" in response.json()["detail"]
    assert not reveals().exists()


def test_a_write_token_granted_by_the_security_admin_posts(registry, secadmin, as_user):
    token, key = services.issue_token(registry.users["jinghu"], "对接")
    client = as_user(secadmin)
    response = client.post(reverse("accounts:token-scope", args=[token.pk]), {"can_write": "1"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.can_write
    member = registry.members["jinghu_1"]
    assert reveal(key, member).status_code == 200
    assert reveals().get().user == registry.users["jinghu"]
    event = grants().get()
    assert event.user == secadmin and "授予「t-jinghu」" in event.detail
    # Withdrawn: the next write is refused again.
    client.post(reverse("accounts:token-scope", args=[token.pk]), {"can_write": "0"})
    assert reveal(key, member).status_code == 403
    assert "收回" in grants().latest("id").detail


@pytest.mark.parametrize("who", ["wuhu", "jinghu", "auditor"])
def test_granting_write_by_anyone_but_the_security_admin_is_refused(registry, as_user, who):
    """The city administrator who manages the owner, the owner, the auditor: 403 and nothing changed."""
    if who == "auditor":
        registry.users[who] = User.objects.create_user(
            "t-aud", password=PASSWORD, union=registry.unions["wuhu"], role=Role.AUDITOR
        )
    token, key = services.issue_token(registry.users["jinghu"], "对接")
    client = as_user(registry.users[who])
    response = client.post(reverse("accounts:token-scope", args=[token.pk]), {"can_write": "1"})
    assert response.status_code in (403, 404)
    token.refresh_from_db()
    assert not token.can_write and not grants().exists()
    assert reveal(key, registry.members["jinghu_1"]).status_code == 403


def test_write_scope_only_for_a_user_who_can_edit(registry, secadmin, as_user):
    token, _ = services.issue_token(registry.users["viewer"], "只读用户")
    client = as_user(secadmin)
    page = client.post(reverse("accounts:token-scope", args=[token.pk]), {"can_write": "1"}, follow=True)
    assert "没有修改数据的权限" in page.content.decode()
    token.refresh_from_db()
    assert not token.can_write and not grants().exists()


def test_a_demoted_user_loses_the_write_scope_at_once(registry):
    owner = registry.users["jinghu"]
    token, key = services.issue_token(owner, "对接", can_write=True)
    assert token.can_write and reveal(key, registry.members["jinghu_2"]).status_code == 200
    owner.role = Role.READONLY
    owner.save(update_fields=["role"])
    assert reveal(key, registry.members["jinghu_1"]).status_code == 403
    assert reveals().count() == 1  # the one before the demotion
    assert str(registry.members["jinghu_1"].pk) not in reveals().values_list("object_id", flat=True)


def test_the_owner_issues_a_read_only_token_and_sees_the_key_once(registry, as_user):
    client = as_user("jinghu")
    # can_write is not a field for the owner: posting it grants nothing.
    response = client.post(
        LIST, {"name": "报表工具", "days": "30", "can_write": "on"}, REMOTE_ADDR="10.5.5.5"
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="报表工具")
    assert token.user == registry.users["jinghu"] and not token.can_write
    text = response.content.decode()
    key = text.split('id="new-token-key">', 1)[1].split("<", 1)[0]
    assert key.startswith("gh_") and ApiToken.hash_key(key) == token.key_hash
    assert "只显示这一次" in text
    assert key not in client.get(LIST).content.decode()  # never again
    assert bearer(key).get("/api/v1/members").status_code == 200
    assert reveal(key, registry.members["jinghu_1"]).status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(token.pk))
    assert "只读" in event.detail and event.ip == "10.5.5.5"


def test_validity_longer_than_the_setting_is_refused_in_chinese(registry, as_user, settings):
    settings.GONGHUI_API_TOKEN_DAYS = 30
    client = as_user("jinghu")
    response = client.post(LIST, {"name": "长期", "days": "31"})
    assert response.status_code == 400 and "不能超过 30 天" in response.content.decode()
    response = client.post(LIST, {"name": "", "days": "abc"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_security_admin_issues_a_write_token_for_a_user_it_manages(registry, secadmin, as_user):
    client = as_user(secadmin)
    owner = registry.users["jinghu"]
    data = {"name": "数据对接", "days": "10", "owner": owner.pk, "can_write": "on"}
    assert client.post(ALL, data).status_code == 200
    token = ApiToken.objects.get(name="数据对接")
    assert token.user == owner and token.can_write
    assert "可读写" in AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(token.pk)).detail
    # Outside its subtree the owner is not even a choice.
    outside = {"name": "越权", "days": "10", "owner": registry.users["province"].pk}
    assert client.post(ALL, outside).status_code == 400
    assert not ApiToken.objects.filter(name="越权").exists()


def test_a_business_admins_form_has_no_owner_or_write_choice(registry, secadmin, as_user):
    client = as_user("wuhu")
    text = client.get(LIST).content.decode()
    assert 'name="name"' in text and 'name="owner"' not in text and 'name="can_write"' not in text
    assert client.get(ALL).status_code == 403
    # The security administrator's own page issues its own read-only tokens; 令牌 issues for others.
    mine = as_user(secadmin, Client()).get(LIST).content.decode()
    assert 'name="owner"' not in mine and 'name="can_write"' not in mine
    assert 'name="owner"' in as_user(secadmin, Client()).get(ALL).content.decode()


def test_the_security_admin_lists_and_revokes_tokens_of_its_subtree(registry, secadmin, as_user):
    token, key = services.issue_token(registry.users["jinghu"], "县级同步")
    foreign, _ = services.issue_token(registry.users["province"], "省级同步")
    client = as_user(secadmin)
    assert "县级同步" not in client.get(LIST).content.decode()  # its own page: its own tokens
    text = client.get(ALL).content.decode()
    assert "县级同步" in text and "省级同步" not in text
    assert client.post(reverse("accounts:token-revoke", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]), {"next": "all"})
    assert response.status_code == 302 and response["Location"] == ALL
    assert bearer(key).get("/api/v1/members").status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(token.pk))
    assert event.user == secadmin and "吊销" in event.detail
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_the_owner_autocomplete_offers_the_security_admins_subtree_only(registry, secadmin, as_user):
    found = as_user(secadmin).get("/autocomplete/", {"source": "token-owners", "q": "t-"}).json()["results"]
    names = {row["text"] for row in found}
    assert {"t-wuhu", "t-jinghu", "t-jiujiang", "t-viewer"} <= names
    assert "t-province" not in names and "t-nounion" not in names
    # A business administrator is offered nobody: issuing for others is the security administrator's.
    business = as_user("wuhu", Client()).get("/autocomplete/", {"source": "token-owners", "q": "t-"}).json()
    assert business["results"] == []
