"""The public submission's SQL budget: a ceiling, so that a slower submission path cannot slip in unseen.

Steady state (reference rows, routes and the deadline setting already cached per process by an earlier
submission), measured on 2026-11-23. PostgreSQL: 1 statement, the INSERT of the application and its event
(a data-modifying CTE) guarded by the held-membership and open-application checks, plus SAVEPOINT/RELEASE
here because the test runs inside a transaction. SQLite: the membership / open-application probe,
SAVEPOINT, two INSERTs, RELEASE. Both, since issue 11, plus one statement counting the rate limits in
the database (no Redis in the tests).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.joining.models import ApplicationEvent, JoinApplication
from tests.factories import make_id
from tests.joining.test_views import form

pytestmark = pytest.mark.django_db

SUBMISSION_QUERY_CEILING = 6


def test_one_submission_stays_within_its_query_budget(client, joinreg):
    # A first submission warms the per-process caches, as every worker's first request does.
    warm = client.post(
        reverse("joining:apply"), form(joinreg, id_number=make_id("340207", dt.date(1980, 1, 1), 11))
    )
    assert warm.status_code in (200, 303) and JoinApplication.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        resp = client.post(reverse("joining:apply"), form(joinreg))
    assert resp.status_code in (200, 303)
    app = JoinApplication.objects.latest("pk")  # it really was accepted, not refused early
    assert JoinApplication.objects.count() == 2
    assert ApplicationEvent.objects.filter(application=app).count() == 1
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= SUBMISSION_QUERY_CEILING, "\n".join(statements)
    if connection.vendor == "postgresql":
        # Without Redis the rate limits are counted in the database (issue 11): one statement for both.
        limits = [q for q in statements if "joining_ratecounter" in q]
        writes = [q for q in statements if "INSERT" in q.upper() and q not in limits]
        assert len(limits) == 1 and "ON CONFLICT" in limits[0]
        assert len(writes) == 1 and "joining_applicationevent" in writes[0] and "NOT EXISTS" in writes[0]
        assert len(statements) <= 4  # the rate limits, SAVEPOINT, the INSERT, RELEASE
