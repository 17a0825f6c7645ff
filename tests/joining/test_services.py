"""Submit, approve, reject, forward, withdraw, transfers and the outbox: each writes its event row."""

import datetime as dt
import re

import pytest
from django.core.management import call_command

from gonghui.core.normalize import normalize_resident_id
from gonghui.joining import services
from gonghui.joining.models import (
    ApplicationEvent,
    ApplicationStatus,
    InsurancePlanOffer,
    JoinApplication,
    Notification,
    TransferRequest,
    TransferStatus,
)
from gonghui.members import services as membership
from gonghui.members.models import EventKind, Member, MembershipEvent, MemberStatus
from tests.factories import make_id

pytestmark = pytest.mark.django_db

COURIER_ID = make_id("340207", dt.date(1996, 4, 5), 77)


def courier(reg, id_number=COURIER_ID, name="钱快递", phone="13955556666", **extra):
    data = dict(
        name=name,
        resident_id=normalize_resident_id(id_number),
        phone=phone,
        new_form_group=reg.groups["courier"],
        district=reg.unions["jiujiang"].region,
        consent_constitution=True,
        consent_personal_data=True,
    )
    data.update(extra)
    return services.ApplicationInput(**data)


def test_submit_routes_numbers_and_writes_the_first_event(joinreg):
    app = services.submit(courier(joinreg))
    assert re.fullmatch(r"RH\d{8}\d{6}", app.number)
    assert app.routed_union == joinreg.unions["jiujiang_newform"]
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.id_masked == COURIER_ID[:6] + "********" + COURIER_ID[-4:]
    assert app.id_number == COURIER_ID and COURIER_ID not in app.id_number_enc
    assert app.phone_masked == "139****6666"
    assert app.deadline > dt.date.today()
    (event,) = app.events.all()
    assert (event.from_status, event.to_status, event.actor_label) == ("", "submitted", "申请人")
    assert event.to_union == app.routed_union


def test_consent_is_required(joinreg):
    with pytest.raises(services.ApplicationRefused, match="同意"):
        services.submit(courier(joinreg, consent_personal_data=False))
    assert not JoinApplication.objects.exists()


def test_second_open_application_for_the_same_id_is_refused(joinreg):
    first = services.submit(courier(joinreg))
    with pytest.raises(services.ApplicationRefused) as same_person:
        services.submit(courier(joinreg))
    assert first.number in str(same_person.value)  # name + phone match: the number may be repeated
    with pytest.raises(services.ApplicationRefused) as stranger:
        services.submit(courier(joinreg, name="别人", phone="13000000000"))
    assert first.number not in str(stranger.value)
    assert JoinApplication.objects.count() == 1


def test_member_with_matching_name_and_phone_is_told_where_the_membership_is(joinreg):
    member = joinreg.members["jiujiang_1"]  # 王鸠一 13700001111 at 鸠江乙公司工会委员会
    with pytest.raises(services.AlreadyMemberRefused) as refused:
        services.submit(courier(joinreg, id_number=member.id_number, name="王鸠一", phone="13700001111"))
    assert "鸠江乙公司工会委员会" in str(refused.value)
    assert refused.value.holder == member
    assert not JoinApplication.objects.exists()


def test_member_id_with_other_name_or_phone_is_not_revealed_but_flagged(joinreg):
    member = joinreg.members["jiujiang_1"]
    app = services.submit(courier(joinreg, id_number=member.id_number, name="王鸠一", phone="13811112222"))
    assert app.held_elsewhere is True
    assert app.status == ApplicationStatus.SUBMITTED
    # The public page says nothing; the reviewer (鸠江区新就业形态…联合会) learns that the ID is held outside
    # their subtree and whom to ask, not the union (鸠江乙公司, a sibling) nor the join date.
    with pytest.raises(services.JoiningError, match=r"管辖范围以外.*「鸠江区总工会」") as caught:
        services.approve(app, joinreg.users["reviewer"])
    assert "鸠江乙公司" not in str(caught.value) and "入会日期" not in str(caught.value)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert Member.objects.filter(id_hash=member.id_hash).count() == 1


def test_approve_creates_member_join_event_insurance_offer_and_notification(
    joinreg, django_capture_on_commit_callbacks
):
    app = services.submit(courier(joinreg))
    reviewer = joinreg.users["reviewer"]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(app, reviewer)
    app.refresh_from_db()
    member = app.member
    assert app.status == ApplicationStatus.APPROVED and app.reviewer == reviewer
    assert member.union == joinreg.unions["jiujiang_newform"]
    assert member.new_form_group == joinreg.groups["courier"]
    assert member.status == MemberStatus.ACTIVE and member.join_date == dt.date.today()
    (join_event,) = MembershipEvent.objects.filter(member=member)
    assert join_event.kind == EventKind.JOIN and join_event.actor == reviewer
    offer = InsurancePlanOffer.objects.get(member=member)
    assert offer.status == InsurancePlanOffer.Status.OFFERED and offer.offered_on == dt.date.today()
    note = Notification.objects.get(application=app)
    assert note.status == Notification.Status.LOGGED and "批准" in note.text
    assert note.phone == "13955556666" and note.phone_masked == "139****6666"
    last = app.events.last()
    assert (last.from_status, last.to_status, last.actor) == ("submitted", "approved", reviewer)


def test_employer_applicant_gets_no_insurance_offer(joinreg):
    app = services.submit(
        courier(joinreg, new_form_group=None, district=None, workplace=joinreg.workplaces["jiujiang_b"])
    )
    assert app.routed_union == joinreg.unions["jiujiang_b"]
    services.approve(app, joinreg.users["jiujiang"])  # a county admin above the grassroots union
    assert not InsurancePlanOffer.objects.exists()
    assert JoinApplication.objects.get().member.workplace == joinreg.workplaces["jiujiang_b"]


def test_reviewer_outside_the_routed_union_cannot_decide(joinreg):
    app = services.submit(courier(joinreg))
    with pytest.raises(services.JoiningError, match="无权"):
        services.approve(app, joinreg.users["jinghu"])
    with pytest.raises(services.JoiningError, match="无权"):
        services.approve(app, joinreg.users["viewer"])  # read-only role in scope
    assert not Member.objects.filter(id_hash=app.id_hash).exists()
    assert app.events.count() == 1


def test_reject_needs_a_reason_and_tells_the_applicant(joinreg, django_capture_on_commit_callbacks):
    app = services.submit(courier(joinreg))
    with pytest.raises(services.JoiningError, match="原因"):
        services.reject(app, joinreg.users["reviewer"], "  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(app, joinreg.users["reviewer"], "非本区县从业人员")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.reject_reason == "非本区县从业人员"
    assert "非本区县从业人员" in Notification.objects.get(application=app).text
    with pytest.raises(services.JoiningError, match="未通过"):
        services.approve(app, joinreg.users["reviewer"])


def test_forward_moves_the_application_and_keeps_the_deadline(joinreg):
    app = services.submit(courier(joinreg))
    deadline = app.deadline
    services.forward(app, joinreg.users["jiujiang"], joinreg.unions["zone"], "在经开区工作")
    app.refresh_from_db()
    assert app.routed_union == joinreg.unions["zone"] and app.status == ApplicationStatus.FORWARDED
    assert app.deadline == deadline
    ev = app.events.last()
    assert ev.from_union == joinreg.unions["jiujiang_newform"] and ev.to_union == joinreg.unions["zone"]
    assert ev.note == "在经开区工作"
    # the new-form reviewer no longer governs it
    with pytest.raises(services.JoiningError, match="无权"):
        services.approve(app, joinreg.users["reviewer"])
    services.approve(app, joinreg.users["wuhu"])
    assert Member.objects.get(id_hash=app.id_hash).union == joinreg.unions["zone"]


def test_full_event_history(joinreg):
    app = services.submit(courier(joinreg))
    services.forward(app, joinreg.users["jiujiang"], joinreg.unions["jiujiang"], "由区总工会直接办理")
    services.approve(app, joinreg.users["jiujiang"], note="材料齐全")
    history = list(
        ApplicationEvent.objects.filter(application=app).values_list("from_status", "to_status", "note")
    )
    assert history == [
        ("", "submitted", "分配规则：鸠江区 · 快递员"),
        ("submitted", "forwarded", "由区总工会直接办理"),
        ("forwarded", "approved", "材料齐全"),
    ]


def test_withdraw_and_status_lookup_need_number_and_id(joinreg):
    app = services.submit(courier(joinreg))
    assert services.lookup_status(app.number, COURIER_ID) == app
    assert services.lookup_status(app.number, make_id("340207", dt.date(1996, 4, 5), 79)) is None
    services.withdraw(app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN
    assert app.events.last().actor_label == "申请人"
    services.submit(courier(joinreg))  # a withdrawn application no longer blocks a new one


def test_person_who_became_member_meanwhile_gets_a_clear_error(joinreg):
    app = services.submit(courier(joinreg))
    membership.join(
        membership.Applicant(resident_id=normalize_resident_id(COURIER_ID), name="钱快递"),
        joinreg.unions["jiujiang_b"],
        dt.date.today(),
    )
    with pytest.raises(services.JoiningError, match=r"不能批准.*已在您管辖范围以外的工会登记有效会籍"):
        services.approve(app, joinreg.users["reviewer"])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not InsurancePlanOffer.objects.exists()


# -- transfers -----------------------------------------------------------------------------------


def test_transfer_confirmed_by_the_holding_union_writes_out_and_in(
    joinreg, django_capture_on_commit_callbacks
):
    member = joinreg.members["jinghu_1"]  # at 镜湖甲公司工会委员会, moving to 鸠江乙公司
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"], actor=joinreg.users["jiujiang"])
    assert tr.status == TransferStatus.REQUESTED and tr.from_union == joinreg.unions["jinghu_a"]
    with pytest.raises(services.JoiningError, match="镜湖甲公司工会委员会"):
        services.confirm_transfer(tr, joinreg.users["jiujiang"])  # the asking side cannot confirm
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_transfer(tr, joinreg.users["jinghu"])
    tr.refresh_from_db()
    member.refresh_from_db()
    assert tr.status == TransferStatus.CONFIRMED
    assert member.union == joinreg.unions["jiujiang_b"]
    kinds = list(member.events.order_by("id").values_list("kind", "union__name"))
    assert kinds[-2:] == [("transfer_out", "镜湖甲公司工会委员会"), ("transfer_in", "鸠江乙公司工会委员会")]
    assert [e.to_status for e in tr.events.all()] == ["requested", "confirmed"]
    assert Notification.objects.filter(transfer=tr).count() == 1


def test_transfer_refused_keeps_the_member(joinreg):
    member = joinreg.members["jinghu_1"]
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"], actor=joinreg.users["jiujiang"])
    with pytest.raises(services.JoiningError):
        services.refuse_transfer(tr, joinreg.users["jinghu"], "")
    services.refuse_transfer(tr, joinreg.users["jinghu"], "该职工仍在本单位工作")
    member.refresh_from_db()
    assert member.union == joinreg.unions["jinghu_a"]
    tr.refresh_from_db()
    assert tr.status == TransferStatus.REFUSED and tr.refuse_reason == "该职工仍在本单位工作"


def test_transfer_request_rules(joinreg):
    member = joinreg.members["jinghu_1"]
    # A reviewer of 鸠江区's new-form federation governs neither 镜湖区 nor 鸠江乙公司.
    with pytest.raises(services.JoiningError, match="只能为本工会"):
        services.request_transfer(member, joinreg.unions["jiujiang_b"], actor=joinreg.users["reviewer"])
    with pytest.raises(services.JoiningError, match="相同"):
        services.request_transfer(member, joinreg.unions["jinghu_a"])
    services.request_transfer(member, joinreg.unions["jiujiang_b"])
    with pytest.raises(services.JoiningError, match="待确认"):
        services.request_transfer(member, joinreg.unions["jiujiang_joint"])


def test_transfer_auto_confirmed_only_after_the_deadline(joinreg):
    member = joinreg.members["jinghu_2"]
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"])  # the member, public page
    assert tr.channel == TransferRequest.Channel.PUBLIC
    assert services.auto_confirm_transfers(on=tr.deadline) == {"confirmed": 0, "cancelled": 0}
    tr.refresh_from_db()
    assert tr.status == TransferStatus.REQUESTED
    done = services.auto_confirm_transfers(on=tr.deadline + dt.timedelta(days=1))
    assert done == {"confirmed": 1, "cancelled": 0}
    tr.refresh_from_db()
    member.refresh_from_db()
    assert tr.status == TransferStatus.AUTO_CONFIRMED and tr.decided_by is None
    assert member.union == joinreg.unions["jiujiang_b"]
    assert member.events.filter(kind=EventKind.TRANSFER_IN, union=joinreg.unions["jiujiang_b"]).count() == 1
    assert tr.events.last().actor_label == "系统"


def test_auto_confirm_cancels_a_request_that_can_no_longer_be_done(joinreg):
    member = joinreg.members["jinghu_2"]
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"])
    membership.leave(member, dt.date.today(), "voluntary")
    TransferRequest.objects.filter(pk=tr.pk).update(deadline=dt.date(2020, 1, 1))
    call_command("auto_confirm_transfers", stdout=__import__("io").StringIO())
    tr.refresh_from_db()
    assert tr.status == TransferStatus.CANCELLED and "无法自动确认" in tr.events.last().note


def test_auto_confirm_task_runs_the_same_service(joinreg):
    from gonghui.joining.tasks import auto_confirm_transfers_task

    member = joinreg.members["jinghu_2"]
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"])
    TransferRequest.objects.filter(pk=tr.pk).update(deadline=dt.date(2020, 1, 1))
    assert auto_confirm_transfers_task.func() == {"confirmed": 1, "cancelled": 0}


class RecordingSender:
    sent: list = []

    def send(self, notification):
        RecordingSender.sent.append(notification.text)
        return Notification.Status.SENT


def test_sender_is_pluggable(joinreg, settings, django_capture_on_commit_callbacks):
    from gonghui.joining import notify

    settings.GONGHUI_NOTIFY_SENDER = "tests.joining.test_services.RecordingSender"
    notify.sender.cache_clear()
    try:
        app = services.submit(courier(joinreg))
        with django_capture_on_commit_callbacks(execute=True):
            services.reject(app, joinreg.users["reviewer"], "重复申请")
        assert any("重复申请" in text for text in RecordingSender.sent)
        assert Notification.objects.get(application=app).status == Notification.Status.SENT
    finally:
        notify.sender.cache_clear()


def test_approval_audits_the_new_member_with_the_reviewers_address(joinreg):
    from gonghui.core.models import AuditEvent

    app = services.submit(courier(joinreg))
    services.approve(app, joinreg.users["reviewer"], ip="10.7.7.13")
    member = Member.objects.get(id_hash=app.id_hash)
    event = AuditEvent.objects.get(object_type="members.member", object_id=str(member.pk))
    assert (event.action, event.user, event.ip) == ("create", joinreg.users["reviewer"], "10.7.7.13")
    assert event.detail == "入会：鸠江区新就业形态劳动者工会联合会"
