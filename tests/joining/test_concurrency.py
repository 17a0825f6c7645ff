"""Approvals racing on PostgreSQL: row locks and the one-held-membership constraint decide.

SQLite serialises writers, so these run only on PostgreSQL.
"""

import datetime as dt
import threading

import pytest
from django.db import connections

from gonghui.core.normalize import normalize_resident_id
from gonghui.joining import services
from gonghui.joining.models import ApplicationEvent, ApplicationStatus, InsurancePlanOffer, JoinApplication
from gonghui.joining.services import submission
from gonghui.members.models import EventKind, Member, MembershipEvent
from tests.factories import make_id

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PERSON = make_id("340207", dt.date(1993, 8, 8), 55)


def _input(reg, **extra):
    data = dict(
        name="孙并发",
        resident_id=normalize_resident_id(PERSON),
        phone="13722223333",
        new_form_group=reg.groups["courier"],
        district=reg.unions["jiujiang"].region,
        consent_constitution=True,
        consent_personal_data=True,
    )
    data.update(extra)
    return services.ApplicationInput(**data)


def _race(calls):
    """Run the callables at the same instant, each on its own connection; collect results/errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def body(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the outcome is what the test asserts
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_threads_approving_the_same_application(on_postgres, joinreg):
    app = services.submit(_input(joinreg))
    reviewer = joinreg.users["reviewer"]
    results = _race([lambda: services.approve(JoinApplication(pk=app.pk), reviewer) for _ in range(50)])
    won = [r for r in results if isinstance(r, JoinApplication)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1, results
    assert len(lost) == 49 and all(isinstance(e, services.JoiningError) for e in lost), lost[:3]
    assert all("已批准" in str(e) for e in lost)
    assert Member.objects.filter(id_hash=app.id_hash).count() == 1
    assert MembershipEvent.objects.filter(member__id_hash=app.id_hash, kind=EventKind.JOIN).count() == 1
    assert InsurancePlanOffer.objects.count() == 1
    assert ApplicationEvent.objects.filter(application=app, to_status=ApplicationStatus.APPROVED).count() == 1


def test_two_applications_for_one_person_approved_at_once_by_two_unions(on_postgres, joinreg, monkeypatch):
    first = services.submit(_input(joinreg))
    # Two submissions that slipped past the open-application check at the same instant.
    monkeypatch.setattr(submission, "find_open_application", lambda id_hash: None)
    second = services.submit(
        _input(joinreg, new_form_group=None, district=None, workplace=joinreg.workplaces["jiujiang_b"])
    )
    assert {first.routed_union, second.routed_union} == {
        joinreg.unions["jiujiang_newform"],
        joinreg.unions["jiujiang_b"],
    }
    results = _race(
        [
            lambda: services.approve(JoinApplication(pk=first.pk), joinreg.users["reviewer"]),
            lambda: services.approve(JoinApplication(pk=second.pk), joinreg.users["jiujiang"]),
        ]
    )
    won = [r for r in results if isinstance(r, JoinApplication)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1, results
    winner_union = won[0].routed_union.name
    assert isinstance(lost[0], services.JoiningError)
    assert "不能批准" in str(lost[0])
    if winner_union == joinreg.unions["jiujiang_b"].name:
        # The losing reviewer (鸠江区新就业形态…联合会) may not see 鸠江乙公司: told whom to ask instead.
        assert winner_union not in str(lost[0]) and "「鸠江区总工会」" in str(lost[0])
    else:  # the losing 鸠江区 admin sees the winner (inside 鸠江区): named
        assert winner_union in str(lost[0])
    member = Member.objects.get(id_hash=first.id_hash)
    assert member.union.name == winner_union
    assert MembershipEvent.objects.filter(member=member, kind=EventKind.JOIN).count() == 1
    statuses = sorted(JoinApplication.objects.values_list("status", flat=True))
    assert statuses == ["approved", "submitted"]  # the loser stays open for its reviewer to reject
