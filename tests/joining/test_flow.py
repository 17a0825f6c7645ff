"""The shape of the joining services (issue 10, point 6): modules by action family behind one
``services`` namespace, one transition (``flow.Flow``) that every review and transfer action goes
through, and one abstract ``StatusEvent`` under both event tables."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_resident_id
from gonghui.joining import services
from gonghui.joining.models import (
    ApplicationEvent,
    ApplicationStatus,
    JoinApplication,
    Notification,
    StatusEvent,
    TransferEvent,
    TransferRequest,
    TransferStatus,
)
from gonghui.joining.services import flow, review, submission, transfers
from tests.factories import make_id

pytestmark = pytest.mark.django_db


def courier(reg, seq):
    return services.ApplicationInput(
        name="钱快递",
        resident_id=normalize_resident_id(make_id("340207", dt.date(1996, 4, 5), seq)),
        phone="13955556666",
        new_form_group=reg.groups["courier"],
        district=reg.unions["jiujiang"].region,
        consent_constitution=True,
        consent_personal_data=True,
    )


def test_services_are_split_by_action_family_behind_one_namespace():
    families = {
        submission: [
            "submit",
            "lookup_status",
            "ApplicationInput",
            "ApplicationRefused",
            "AlreadyMemberRefused",
        ],
        review: ["approve", "reject", "forward", "withdraw", "may_review"],
        transfers: [
            "request_transfer",
            "confirm_transfer",
            "refuse_transfer",
            "cancel_transfer",
            "auto_confirm_transfers",
            "may_answer",
        ],
        flow: ["JoiningError", "Flow", "today"],
    }
    for module, names in families.items():
        for name in names:
            assert getattr(services, name).__module__ == module.__name__, name
    assert set(services.__all__) <= set(dir(services))


@pytest.fixture
def spy(monkeypatch):
    """Every Flow.lock and Flow.move call, as (model name, target status or 'lock')."""
    calls = []
    lock, move = flow.Flow.lock, flow.Flow.move

    def spy_lock(self, row, *args, **kwargs):
        calls.append((self.model.__name__, "lock"))
        return lock(self, row, *args, **kwargs)

    def spy_move(self, locked, status, *args, **kwargs):
        calls.append((self.model.__name__, str(status)))
        return move(self, locked, status, *args, **kwargs)

    monkeypatch.setattr(flow.Flow, "lock", spy_lock)
    monkeypatch.setattr(flow.Flow, "move", spy_move)
    return calls


def test_every_review_action_goes_through_the_transition(joinreg, spy):
    reviewer, county = joinreg.users["reviewer"], joinreg.users["jiujiang"]
    services.approve(services.submit(courier(joinreg, 1)), reviewer)
    services.reject(services.submit(courier(joinreg, 2)), reviewer, "非本区县从业人员")
    services.forward(services.submit(courier(joinreg, 3)), county, joinreg.unions["zone"], "在经开区工作")
    services.withdraw(services.submit(courier(joinreg, 4)))
    app = "JoinApplication"
    assert spy == [
        (app, "lock"),
        (app, "approved"),
        (app, "lock"),
        (app, "rejected"),
        (app, "lock"),
        (app, "forwarded"),
        (app, "lock"),
        (app, "withdrawn"),
    ]


def test_every_transfer_action_goes_through_the_transition(joinreg, spy):
    jinghu, jiujiang = joinreg.users["jinghu"], joinreg.users["jiujiang"]
    m1, m2 = joinreg.members["jinghu_1"], joinreg.members["jinghu_2"]
    services.confirm_transfer(
        services.request_transfer(m1, joinreg.unions["jiujiang_b"], actor=jiujiang), jinghu
    )
    tr = services.request_transfer(m2, joinreg.unions["jiujiang_b"], actor=jiujiang)
    services.refuse_transfer(tr, jinghu, "该职工仍在本单位工作")
    services.cancel_transfer(services.request_transfer(m2, joinreg.unions["jiujiang_b"], actor=jiujiang))
    tr = services.request_transfer(m2, joinreg.unions["jiujiang_b"])
    TransferRequest.objects.filter(pk=tr.pk).update(deadline=dt.date(2020, 1, 1))
    assert services.auto_confirm_transfers() == {"confirmed": 1, "cancelled": 0}
    t = "TransferRequest"
    assert spy == [
        (t, "lock"),
        (t, "confirmed"),
        (t, "lock"),
        (t, "refused"),
        (t, "lock"),
        (t, "cancelled"),
        (t, "lock"),
        (t, "auto_confirmed"),
    ]


def test_lock_refuses_outside_the_actors_scope_and_writes_nothing(
    joinreg, django_capture_on_commit_callbacks
):
    app = services.submit(courier(joinreg, 5))
    with pytest.raises(services.JoiningError, match="无权审核"):
        review.APPLICATIONS.lock(
            app, joinreg.users["jinghu"], may=review.may_review, denied=review.NOT_A_REVIEWER
        )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.events.count() == 1
    assert not Notification.objects.exists() and not AuditEvent.objects.filter(object_id=str(app.pk)).exists()


def test_lock_refuses_a_closed_row_naming_it_and_its_status(joinreg):
    # The status labels already say 已 (已撤回, 已批准 …): the message said 「已已撤回」 before.
    app = services.submit(courier(joinreg, 6))
    services.withdraw(app)
    with pytest.raises(services.JoiningError, match=f"^申请 {app.number} 已撤回，不能撤回$"):
        review.APPLICATIONS.lock(app, verb="撤回")
    tr = services.request_transfer(joinreg.members["jinghu_1"], joinreg.unions["jiujiang_b"])
    services.cancel_transfer(tr)
    with pytest.raises(services.JoiningError, match=r"^该转接申请已撤销，不能再办理$"):
        transfers.TRANSFERS.lock(tr)


def test_move_writes_status_event_audit_and_notice_after_commit(joinreg, django_capture_on_commit_callbacks):
    tr = services.request_transfer(joinreg.members["jinghu_1"], joinreg.unions["jiujiang_b"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        locked = transfers.TRANSFERS.lock(tr)
        transfers.TRANSFERS.move(
            locked,
            TransferStatus.CANCELLED,
            note="测试撤销",
            audit_detail="测试审计",
            tell="已撤销",
            decided_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        )
        notice = Notification.objects.get(transfer=tr)
        assert notice.status == Notification.Status.QUEUED  # delivered only after commit
    assert len(callbacks) == 1
    tr.refresh_from_db()
    assert tr.status == TransferStatus.CANCELLED and tr.decided_at == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    event = tr.events.last()
    assert (event.from_status, event.to_status, event.note, event.who) == (
        "requested",
        "cancelled",
        "测试撤销",
        "系统",
    )
    rows = AuditEvent.objects.filter(object_id=str(tr.pk), object_type="joining.transferrequest")
    # The request's own row (申请会籍转接), then the one this move wrote.
    assert list(rows.order_by("pk").values_list("action", "detail"))[1:] == [("update", "测试审计")]
    assert notice.text.startswith("【工会会籍转接】张镜一您好") and notice.text.endswith("已撤销")


def test_both_event_tables_share_the_abstract_status_event():
    assert StatusEvent._meta.abstract
    for model in (ApplicationEvent, TransferEvent):
        assert issubclass(model, StatusEvent)
        assert model._meta.ordering == ["at", "id"]
        assert {"at", "actor", "actor_label", "note", "from_status", "to_status"} <= {
            f.name for f in model._meta.get_fields()
        }
        assert model._meta.get_field("actor_label").help_text == "无登录账号时：申请人、系统"
        assert model.objects.visible_to  # the scoped manager comes with the base
    assert ApplicationEvent._meta.get_field("to_status").choices == ApplicationStatus.choices
    assert TransferEvent._meta.get_field("to_status").choices == TransferStatus.choices
    app, tr = JoinApplication(number="RH1"), TransferRequest()
    assert (
        str(ApplicationEvent(application=app, from_status="", to_status="submitted")) == "RH1 — → submitted"
    )
    assert (
        str(TransferEvent(transfer=tr, from_status="requested", to_status="refused")) == "requested → refused"
    )
    assert TransferEvent(actor_label="申请人").who == "申请人"


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses to run inside a test's atomic
def test_status_event_migration_changes_no_table():
    out = io.StringIO()
    call_command("sqlmigrate", "joining", "0005", stdout=out)
    sql = out.getvalue()
    assert "(no-op)" in sql
    assert not any(
        word in sql.upper() for word in ("ALTER TABLE", "CREATE TABLE", "DROP TABLE", "INSERT INTO")
    )
