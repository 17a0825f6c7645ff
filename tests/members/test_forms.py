"""The member web form: Chinese validation errors, one membership per person, scope of the union field."""

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members.models import EventKind, Member
from tests.factories import make_id

pytestmark = pytest.mark.django_db

NEW_ID = make_id("340202", dt.date(1988, 8, 8), 57)
WRONG_CHECK = NEW_ID[:17] + ("1" if NEW_ID[17] == "0" else "0")


def _form(registry, union_key="jinghu_a", **overrides):
    data = {
        "name": "孙新会",
        "id_number": NEW_ID,
        "phone": "+86 139 0000 1234",
        "union": registry.unions[union_key].pk,
        "join_date": "2024-03-01",
        "employment_status": "employed",
    }
    data.update(overrides)
    return data


def test_create_member_through_the_form(client, registry, as_user):
    as_user(registry.users["jinghu"], client)
    response = client.post(reverse("members:member-add"), _form(registry))
    member = Member.objects.get(name="孙新会")
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    assert member.union == registry.unions["jinghu_a"]
    assert member.phone == "13900001234" and member.phone_masked == "139****1234"
    assert list(member.events.values_list("kind", flat=True)) == [EventKind.JOIN]
    assert member.events.get().actor == registry.users["jinghu"]
    assert AuditEvent.objects.filter(action="create", object_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (WRONG_CHECK, "校验码（第 18 位）不正确"),
        ("3402021988", "身份证号应为 18 位"),
        ("3.40202198808E+17", "Excel"),
        ("", "这个字段是必填项"),
    ],
)
def test_invalid_id_shows_the_chinese_error_and_creates_nothing(
    client, registry, id_number, message, as_user
):
    as_user(registry.users["jinghu"], client)
    before = Member.objects.count()
    response = client.post(reverse("members:member-add"), _form(registry, id_number=id_number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Member.objects.count() == before


def test_invalid_phone_shows_the_chinese_error(client, registry, as_user):
    as_user(registry.users["jinghu"], client)
    response = client.post(reverse("members:member-add"), _form(registry, phone="12345"))
    assert "电话号码「12345」无效" in response.content.decode()
    assert not Member.objects.filter(name="孙新会").exists()


def test_second_active_membership_refused_naming_the_holding_union(client, registry, as_user):
    holder = registry.members["jiujiang_1"]  # 王鸠一, held by 鸠江乙公司工会委员会
    as_user(registry.users["wuhu"], client)
    before = Member.objects.count()
    response = client.post(
        reverse("members:member-add"), _form(registry, "jinghu_a", name="王鸠一", id_number=holder.id_number)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "鸠江乙公司工会委员会" in body and "一人只能有一个有效会籍" in body
    assert Member.objects.count() == before


def test_union_outside_scope_is_a_form_error(client, registry, as_user):
    as_user(registry.users["jinghu"], client)
    response = client.post(reverse("members:member-add"), _form(registry, "jiujiang_b"))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Member.objects.filter(name="孙新会").exists()


def test_readonly_user_cannot_create(client, registry, as_user):
    as_user(registry.users["viewer"], client)
    response = client.post(reverse("members:member-add"), _form(registry, "jinghu_a"))
    assert response.status_code == 403
    assert not Member.objects.filter(name="孙新会").exists()


def test_edit_keeps_identity_and_changes_phone(client, registry, as_user):
    member = registry.members["jinghu_1"]
    as_user(registry.users["jinghu"], client)
    response = client.post(
        reverse("members:member-edit", args=[member.pk]),
        {"name": "张镜一", "phone": "138 0000 9999", "employment_status": "employed"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "13800009999"
    assert member.id_number == make_id("340202", dt.date(1990, 1, 1), 11)
