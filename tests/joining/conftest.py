import contextlib

import pytest
from django.core.cache import cache

from gonghui.accounts.models import Role, User
from gonghui.joining import sharedcache
from gonghui.joining.models import RoutingRule
from gonghui.orgs.models import UnionKind, UnionOrg
from tests.factories import PASSWORD, make_id  # noqa: F401  (re-exported for the test modules)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_submit_floor(settings):
    # The public submission is padded to a time floor (the timing-oracle defence); test_timing.py
    # sets its own, the other tests need not wait.
    settings.GONGHUI_JOIN_SUBMIT_FLOOR = 0


@pytest.fixture(autouse=True)
def _no_random_purge(monkeypatch):
    """The database limiter deletes expired windows on one check in 200, at random: statement counts
    (the query budgets) would then fail one run in a few dozen. The purge's own test sets it to 1."""
    from gonghui.joining import ratelimit

    monkeypatch.setattr(ratelimit, "PURGE_ONE_IN", 10**12)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters and cached reference rows: every test starts with none.
    from gonghui.joining import forms, ratelimit, routing, workdays

    ratelimit._redis.cache_clear()
    ratelimit._redis_down_until[0] = 0.0
    cache.clear()
    forms._REFERENCE_ROWS.clear()
    routing.clear_local()
    workdays._DAYS.clear()
    yield
    with contextlib.suppress(*sharedcache.UNREACHABLE):  # a test pointed the cache at a dead Redis
        cache.clear()
    forms._REFERENCE_ROWS.clear()
    routing.clear_local()
    workdays._DAYS.clear()


@pytest.fixture
def joinreg(registry):
    """The test registry plus 鸠江区's new-form federation, its reviewer, and the courier rule."""
    u = registry.unions
    jiujiang_region = u["jiujiang"].region
    u["jiujiang_newform"] = UnionOrg.objects.create(
        name="鸠江区新就业形态劳动者工会联合会",
        kind=UnionKind.NEW_FORM_FEDERATION,
        parent=u["jiujiang"],
        region=jiujiang_region,
    )
    RoutingRule.objects.create(
        region=jiujiang_region, new_form_group=registry.groups["courier"], union=u["jiujiang_newform"]
    )
    registry.users["reviewer"] = User.objects.create_user(
        "t-reviewer", password=PASSWORD, union=u["jiujiang_newform"], role=Role.REVIEWER
    )
    return registry
