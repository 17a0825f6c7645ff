"""转出至外省 (issue 17: transfers between province instances): the membership ends here as 已转出 with a
转出 event naming the province, the national roll-up is told the membership ended, and only an editing
user of the member's subtree may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.core import hooks
from gonghui.members import services
from gonghui.members.models import EventKind, Member, MemberStatus
from gonghui.regions.loader import provinces

pytestmark = pytest.mark.django_db


def test_provinces_are_the_current_gb2260_provincial_divisions():
    listed = dict(provinces())
    assert listed["34"] == "安徽省" and listed["32"] == "江苏省" and listed["11"] == "北京市"
    assert len(listed) == 34  # 31 provinces, Hong Kong, Macao, Taiwan


def test_the_membership_ends_as_transferred_and_the_national_hook_hears_of_it(registry, monkeypatch):
    ended: list[list[str]] = []
    monkeypatch.setattr(
        hooks, "emit", lambda name, **kw: ended.append(kw["numbers"]) if name == "membership.ended" else None
    )
    member = registry.members["jinghu_1"]
    moved = services.transfer_out_of_province(member, "32", dt.date(2024, 5, 1), note="调往南京")
    assert moved.status == MemberStatus.TRANSFERRED and moved.left_on == dt.date(2024, 5, 1)
    event = moved.events.order_by("-id").first()
    assert (event.kind, event.delta, event.union_id) == (EventKind.TRANSFER_OUT, -1, member.union_id)
    assert event.note == "转至江苏省；调往南京"
    assert ended == [[member.id_number]]
    # The person may join again in this province later (a new membership), as after 退会.
    again = registry.join("back", "jiujiang_b", "张镜一", member.id_number, date=dt.date(2025, 1, 1))
    assert again.status == MemberStatus.ACTIVE


@pytest.mark.parametrize(
    ("province", "message"),
    [("34", "省内调动请办理「会籍转接」"), ("99", "请选择转入的省份"), ("", "请选择转入的省份")],
)
def test_the_own_province_or_an_unknown_code_is_refused_and_nothing_changes(registry, province, message):
    member = registry.members["jinghu_1"]
    with pytest.raises(services.MembershipError, match=message):
        services.transfer_out_of_province(member, province, dt.date(2024, 5, 1))
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.events.count() == 1


def test_a_member_already_gone_cannot_be_transferred(registry):
    gone = services.leave(registry.members["jinghu_2"], dt.date(2024, 1, 1), "voluntary")
    with pytest.raises(services.MembershipError, match="已退会"):
        services.transfer_out_of_province(gone, "32", dt.date(2024, 5, 1))


def test_the_page_offers_the_other_provinces_and_transfers(client, registry, as_user):
    member = registry.members["jinghu_1"]
    url = reverse("members:member-transfer-province", args=[member.pk])
    as_user("wuhu")
    page = client.get(url).content.decode()
    assert "转出至外省" in page and "江苏省" in page and ">安徽省<" not in page
    response = client.post(url, {"province": "32", "date": "2024-05-01", "reason": "job_change"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED
    page = client.get(member.get_absolute_url()).content.decode()
    assert "已转出" in page and "转至江苏省" in page  # the history names the province


def test_a_read_only_user_or_one_outside_the_subtree_changes_nothing(client, registry, as_user):
    member = registry.members["jinghu_1"]
    url = reverse("members:member-transfer-province", args=[member.pk])
    data = {"province": "32", "date": "2024-05-01", "reason": "job_change"}
    as_user("viewer")
    assert client.post(url, data).status_code == 403
    as_user("jiujiang")
    assert client.post(url, data).status_code == 404
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.events.count() == 1
