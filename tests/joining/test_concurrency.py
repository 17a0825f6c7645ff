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


def test_a_second_open_application_slipping_past_the_check_is_refused_by_the_constraint(
    on_postgres, joinreg, monkeypatch
):
    # Issue 11: two open applications for one person can no longer exist (they used to, and then raced at
    # approval). A submission that slips past the open-application check meets the partial unique index.
    first = services.submit(_input(joinreg))
    monkeypatch.setattr(submission, "_probe", lambda id_hash: (False, False))
    with pytest.raises(services.JoiningError, match="已有一份正在办理的入会申请"):
        services.submit(
            _input(joinreg, new_form_group=None, district=None, workplace=joinreg.workplaces["jiujiang_b"])
        )
    assert list(JoinApplication.objects.values_list("pk", flat=True)) == [first.pk]
    assert ApplicationEvent.objects.count() == 1


@pytest.mark.parametrize("trial", range(10))
def test_concurrent_submissions_for_one_id_leave_one_open_application(on_postgres, joinreg, trial):
    """Eight submissions for one ID at the same instant, ten trials (before: 3 open applications for one
    ID in 2 of 10 trials): exactly one is written, the others are told it exists."""
    person = make_id("340207", dt.date(1990, 1, 1), 200 + trial)
    data = _input(joinreg, resident_id=normalize_resident_id(person))
    results = _race([lambda: services.submit(data) for _ in range(8)])
    written = [r for r in results if isinstance(r, JoinApplication)]
    refused = [r for r in results if not isinstance(r, JoinApplication)]
    assert len(written) == 1, results
    assert all(isinstance(r, services.ApplicationRefused) for r in refused), refused
    assert all("正在办理" in str(r) for r in refused)
    assert JoinApplication.objects.filter(id_hash=written[0].id_hash).count() == 1
    assert ApplicationEvent.objects.filter(application=written[0]).count() == 1
