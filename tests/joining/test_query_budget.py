"""The public submission's SQL budget: a ceiling, so that a slower submission path cannot slip in unseen.

Steady state (reference rows and the deadline setting already cached per process by an earlier
submission), measured on 2026-11-23: 8 statements (reference row for the group field, held-membership check,
open-application check, routing rule, BEGIN/SAVEPOINT, INSERT application, INSERT event,
COMMIT/RELEASE). The count
depends on the database only through BEGIN/COMMIT, which Django issues on both backends.
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

SUBMISSION_QUERY_CEILING = 8


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
