import datetime as dt

import pytest

from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services
from gonghui.members.models import EventKind, Member, MemberStatus
from tests.factories import make_id

pytestmark = pytest.mark.django_db


def test_join_writes_member_and_event(registry):
    member = registry.members["jinghu_1"]
    assert member.status == MemberStatus.ACTIVE
    assert member.id_number == make_id("340202", dt.date(1990, 1, 1), 11)
    assert member.id_masked == member.id_number[:6] + "********" + member.id_number[-4:]
    assert member.phone_masked == "138****5678"
    assert "13812345678" not in member.phone_enc
    assert list(member.events.values_list("kind", "delta")) == [(EventKind.JOIN, 1)]


def test_second_membership_refused_naming_the_holder(registry):
    number = registry.members["jinghu_1"].id_number
    applicant = services.Applicant(resident_id=normalize_resident_id(number), name="张镜一")
    with pytest.raises(services.AlreadyMember, match="镜湖甲公司工会委员会"):
        services.join(
            applicant, registry.unions["jiujiang_b"], dt.date(2024, 1, 1), actor=registry.users["wuhu"]
        )
    assert Member.objects.filter(id_hash=registry.members["jinghu_1"].id_hash).count() == 1


@pytest.mark.parametrize("actor", ["jiujiang", None])
def test_second_membership_outside_the_actors_subtree_names_no_union_and_no_date(registry, actor):
    """A 鸠江 admin (or an unknown actor) learns only that the person is a member elsewhere and whom to
    ask, never 镜湖's union or the join date."""
    holder = registry.members["jinghu_1"]
    applicant = services.Applicant(resident_id=normalize_resident_id(holder.id_number), name="张镜一")
    user = registry.users[actor] if actor else None
    with pytest.raises(services.AlreadyMember) as caught:
        services.join(applicant, registry.unions["jiujiang_b"], dt.date(2024, 1, 1), actor=user)
    message = str(caught.value)
    assert "镜湖" not in message and f"{holder.join_date:%Y-%m-%d}" not in message
    assert str(holder.join_date.year) not in message
    assert "管辖范围以外" in message and "会籍转接" in message
    assert ("「芜湖市总工会」" if actor else "上级工会") in message


def test_transfer_moves_member_and_writes_both_events(registry):
    member = services.transfer(
        registry.members["jinghu_1"], registry.unions["jiujiang_b"], dt.date(2024, 5, 1)
    )
    assert member.union == registry.unions["jiujiang_b"]
    kinds = list(member.events.order_by("id").values_list("kind", "union__name", "delta"))
    assert kinds[1:] == [
        (EventKind.TRANSFER_OUT, "镜湖甲公司工会委员会", -1),
        (EventKind.TRANSFER_IN, "鸠江乙公司工会委员会", 1),
    ]


def test_exit_then_rejoin_is_a_new_membership(registry):
    old = services.leave(registry.members["jinghu_2"], dt.date(2024, 1, 1), "voluntary")
    assert old.status == MemberStatus.EXITED and old.left_on == dt.date(2024, 1, 1)
    again = registry.join("again", "jiujiang_b", "李镜二", old.id_number, date=dt.date(2024, 6, 1))
    assert again.pk != old.pk and again.status == MemberStatus.ACTIVE


def test_expel_only_after_criminal_penalty(registry):
    with pytest.raises(services.MembershipError, match="刑事处分"):
        services.leave(registry.members["jinghu_2"], dt.date(2024, 1, 1), "voluntary", expel=True)


def test_net_growth_counts_joins_exits_and_transfers_within_range(registry):
    u = registry.unions
    # Registry joins all four on 2023-03-01.
    services.leave(registry.members["jinghu_2"], dt.date(2023, 9, 1), "voluntary")
    services.transfer(registry.members["jinghu_1"], u["jiujiang_b"], dt.date(2023, 10, 1))
    services.leave(registry.members["jiujiang_1"], dt.date(2024, 2, 1), "voluntary")  # outside 2023

    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    jinghu = services.net_growth(u["jinghu"], *year)
    jiujiang = services.net_growth(u["jiujiang"], *year)
    wuhu = services.net_growth(u["wuhu"], *year)
    assert (jinghu.joined, jinghu.left, jinghu.transferred_out, jinghu.net) == (2, 1, 1, 0)
    assert (jiujiang.joined, jiujiang.transferred_in, jiujiang.net) == (2, 1, 3)
    # A transfer between two counties of the same city changes both counties and not the city.
    assert (wuhu.net, wuhu.transferred_in, wuhu.transferred_out) == (3, 1, 1)
    assert jinghu.net_migrant == 0  # the migrant worker joined and left within the year
    assert services.net_growth(u["wuhu"], dt.date(2024, 1, 1), dt.date(2024, 12, 31)).net == -1
    # Before the joins: nothing.
    assert services.net_growth(u["wuhu"], dt.date(2022, 1, 1), dt.date(2022, 12, 31)).net == 0
