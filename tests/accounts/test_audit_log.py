"""The audit-log page: auditors and province administrators, scoped to users of their subtree."""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(registry):
    hefei_admin = User.objects.create_user(
        "t-hefei", password=PASSWORD, union=registry.unions["hefei"], role=Role.CITY_ADMIN
    )
    member = registry.members["jiujiang_1"]
    rows = {
        "jiujiang_reveal": AuditEvent.objects.create(
            user=registry.users["jiujiang"],
            username="t-jiujiang",
            action="reveal",
            object_type="members.member",
            object_id=str(member.pk),
            object_repr=str(member),
            ip="10.0.0.7",
        ),
        "jinghu_update": AuditEvent.objects.create(
            user=registry.users["jinghu"],
            username="t-jinghu",
            action="update",
            object_repr="镜湖更新记录",
        ),
        "hefei_reveal": AuditEvent.objects.create(
            user=hefei_admin,
            username="t-hefei",
            action="reveal",
            object_repr="合肥查看记录",
        ),
    }
    AuditEvent.objects.create(
        user=registry.users["jinghu"],
        username="t-jinghu",
        action="login",
        object_repr="很久以前的登录",
        at=timezone.now() - dt.timedelta(days=400),
    )
    return rows


def _auditor(registry):
    return User.objects.create_user(
        "t-auditor", password=PASSWORD, union=registry.unions["wuhu"], role=Role.AUDITOR
    )


def test_auditor_sees_events_of_their_subtree_only(client, registry, events):
    _auditor(registry)
    assert client.login(username="t-auditor", password=PASSWORD)
    body = client.get("/accounts/audit/").content.decode()
    assert "镜湖更新记录" in body and "10.0.0.7" in body and "很久以前的登录" in body
    assert "合肥查看记录" not in body
    assert "会员 #" in body  # the model's Chinese name, not "members.member"
    # The member shows masked, as everywhere.
    assert registry.members["jiujiang_1"].id_masked in body
    assert registry.members["jiujiang_1"].id_number not in body


def test_filters(client, registry, events):
    _auditor(registry)
    assert client.login(username="t-auditor", password=PASSWORD)
    body = client.get("/accounts/audit/?action=reveal").content.decode()
    assert "10.0.0.7" in body and "镜湖更新记录" not in body
    body = client.get("/accounts/audit/?username=t-jinghu").content.decode()
    assert "镜湖更新记录" in body and "10.0.0.7" not in body
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    body = client.get(f"/accounts/audit/?date_from={since}").content.decode()
    assert "镜湖更新记录" in body and "很久以前的登录" not in body
    body = client.get("/accounts/audit/?ip=10.0.0.7").content.decode()
    assert "10.0.0.7" in body and "镜湖更新记录" not in body


def test_provincial_audit_admin_sees_the_whole_province(client, registry, events):
    # 三员分立 (issue 11): the audit log is the audit administrator's; a province administrator gets 403.
    User.objects.create_user(
        "t-prov-auditor", password=PASSWORD, union=registry.unions["province"], role=Role.AUDITOR
    )
    assert client.login(username="t-prov-auditor", password=PASSWORD)
    body = client.get("/accounts/audit/").content.decode()
    assert "合肥查看记录" in body and "镜湖更新记录" in body
    assert client.login(username="t-province", password=PASSWORD)
    assert client.get("/accounts/audit/").status_code == 403


@pytest.mark.parametrize("username", ["t-jinghu", "t-wuhu", "t-viewer"])
def test_others_get_403(client, registry, events, username):
    assert client.login(username=username, password=PASSWORD)
    assert client.get("/accounts/audit/").status_code == 403


def test_every_action_and_object_type_is_offered_by_its_chinese_name(client, registry, events):
    _auditor(registry)
    assert client.login(username="t-auditor", password=PASSWORD)
    body = client.get("/accounts/audit/").content.decode()
    for value, label in AuditEvent.Action.choices:  # the new ones too: 下载报表, 生成通报/报表, 导入数据 …
        assert f'<option value="{value}">{label}</option>' in body
    assert '<option value="members.member">会员</option>' in body
    assert (
        '<option value="targets.snapshot">' in body and '<option value="accounts.user">用户</option>' in body
    )
    body = client.get("/accounts/audit/?object_type=members.member").content.decode()
    assert "10.0.0.7" in body and "镜湖更新记录" not in body
    # Not a model name: refused with a Chinese message, nothing listed.
    body = client.get("/accounts/audit/?object_type=no.such").content.decode()
    assert "10.0.0.7" not in body and "镜湖更新记录" not in body and "选择一个有效的选项" in body


def test_date_range_keeps_both_ends(client, registry, events):
    _auditor(registry)
    assert client.login(username="t-auditor", password=PASSWORD)
    long_ago = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    body = client.get(f"/accounts/audit/?date_from={long_ago}&date_to={long_ago}").content.decode()
    assert "很久以前的登录" in body and "镜湖更新记录" not in body
