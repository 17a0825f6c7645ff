"""The public submission's fast path: rate limits shared through Redis, cached routes that follow rule
and union changes, and the one-round-trip membership / open-application probe."""

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.core.normalize import normalize_resident_id
from gonghui.joining import ratelimit, routing, services
from gonghui.joining.models import JoinApplication, RoutingRule
from gonghui.joining.routing import route
from gonghui.joining.services import submission
from gonghui.orgs.models import UnionKind, UnionOrg
from tests.factories import make_id
from tests.joining.test_views import form

pytestmark = pytest.mark.django_db

TEST_REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared_redis(settings):
    """Rate limits in a Redis database of the tests' own (skipped when no Redis server is running)."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(TEST_REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("需要 Redis（127.0.0.1:6379）")
    client.flushdb()
    settings.REDIS_URL = TEST_REDIS
    ratelimit._redis.cache_clear()
    yield client
    client.flushdb()
    ratelimit._redis.cache_clear()


def test_redis_counters_are_shared_between_processes(shared_redis, settings):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (3, 3600)}
    assert ratelimit.allow("apply_ip", "10.1.1.1") and ratelimit.allow("apply_ip", "10.1.1.1")
    ratelimit._redis.cache_clear()  # another worker process: its own connection, the same counters
    assert ratelimit.allow("apply_ip", "10.1.1.1")
    assert not ratelimit.allow("apply_ip", "10.1.1.1")
    assert ratelimit.allow("apply_ip", "10.1.1.2")  # per address


def test_redis_keys_expire_and_do_not_contain_the_id_number(shared_redis):
    number = make_id("340207", dt.date(1990, 5, 1), 7)
    assert ratelimit.allow("apply_id", number)
    keys = [k.decode() for k in shared_redis.keys("*")]
    assert len(keys) == 1 and number not in keys[0] and "apply_id" in keys[0]
    assert 0 < shared_redis.ttl(keys[0]) <= 86400


def test_submission_rate_limit_per_id_through_redis(client, joinreg, settings, shared_redis):
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_id": (2, 86400)}
    for _ in range(2):
        assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 200
    assert client.post(reverse("joining:apply"), form(joinreg)).status_code == 429
    assert JoinApplication.objects.count() == 1


def test_cached_route_follows_a_new_rule(joinreg):
    district = joinreg.unions["jiujiang"].region
    group = joinreg.groups["security_guard"]
    assert route(group=group, district=district).union == joinreg.unions["jiujiang"]  # county fallback
    holding = UnionOrg.objects.create(
        name="鸠江区外卖骑手工会联合会",
        kind=UnionKind.NEW_FORM_FEDERATION,
        parent=joinreg.unions["jiujiang"],
        region=district,
    )
    rule = RoutingRule.objects.create(region=district, new_form_group=group, union=holding)
    assert route(group=group, district=district).union == holding
    rule.is_active = False
    rule.save()
    assert route(group=group, district=district).union == joinreg.unions["jiujiang"]


def test_cached_route_follows_a_union_revoked(joinreg):
    district = joinreg.unions["jiujiang"].region
    courier = joinreg.groups["courier"]
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang_newform"]
    holding = joinreg.unions["jiujiang_newform"]
    holding.status = UnionOrg.Status.REVOKED
    holding.save()
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang"]


def test_cached_route_is_dropped_when_another_process_changes_the_rules(joinreg):
    district = joinreg.unions["jiujiang"].region
    courier = joinreg.groups["courier"]
    route(group=courier, district=district)
    assert routing._ROUTES
    # Another process saved a rule: only the generation token in the shared cache changed here.
    RoutingRule.objects.filter(region=district, new_form_group=courier).update(is_active=False)
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang_newform"]  # cached
    from django.core.cache import cache

    cache.set(routing.GENERATION_KEY, "changed-elsewhere", None)
    routing._generation[0] = 0.0  # a second later: the process reads the token again
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang"]


def test_probe_sees_held_membership_and_open_application(joinreg, client):
    from gonghui.core import crypto

    member = joinreg.members["jinghu_1"]
    assert submission._probe(member.id_hash) == (True, False)
    client.post(reverse("joining:apply"), form(joinreg))
    app = JoinApplication.objects.get()
    assert submission._probe(app.id_hash) == (False, True)
    app.status = "rejected"
    app.save()
    assert submission._probe(app.id_hash) == (False, False)
    assert submission._probe(crypto.lookup_hash("ric", make_id(seq=999))) == (False, False)


def test_duplicate_application_number_is_retried_without_orphan_rows(client, joinreg, monkeypatch):
    client.post(reverse("joining:apply"), form(joinreg, id_number=make_id("340207", dt.date(1981, 3, 3), 21)))
    taken = JoinApplication.objects.get().number
    numbers = iter([taken, "RH20261123999999"])
    monkeypatch.setattr(submission, "_new_number", lambda on: next(numbers))
    resp = client.post(reverse("joining:apply"), form(joinreg))
    assert resp.status_code == 200 and "RH20261123999999" in resp.content.decode()
    assert JoinApplication.objects.count() == 2
    for app in JoinApplication.objects.all():
        events = list(app.events.all())
        assert len(events) == 1 and events[0].to_status == "submitted" and events[0].actor_label == "申请人"
        assert events[0].to_union_id == app.routed_union_id


def test_submission_writes_the_application_and_its_event(client, joinreg):
    resp = client.post(reverse("joining:apply"), form(joinreg))
    app = JoinApplication.objects.get()
    assert app.number in resp.content.decode()
    assert app.created_at and app.updated_at and app.status == "submitted"
    assert (
        app.routed_union == joinreg.unions["jiujiang_newform"]
        and app.new_form_group == joinreg.groups["courier"]
    )
    event = app.events.get()
    assert (event.from_status, event.to_status, event.note) == ("", "submitted", app.route_reason)
    assert event.at is not None


def test_guarded_insert_writes_nothing_for_a_held_or_open_id(on_postgres, joinreg, client):
    member = joinreg.members["jinghu_1"]
    target = route(group=joinreg.groups["courier"], district=joinreg.unions["jiujiang"].region)
    data = services.ApplicationInput(
        name="某人", resident_id=normalize_resident_id(make_id(seq=555)), phone="13900001111"
    )
    app, event = submission._new_application(data, target, held_elsewhere=False)
    assert submission._insert_new(app, event, unless_taken=member.id_hash) is False
    assert not JoinApplication.objects.exists()
    client.post(reverse("joining:apply"), form(joinreg))
    open_app = JoinApplication.objects.get()
    app, event = submission._new_application(data, target, held_elsewhere=False)
    assert submission._insert_new(app, event, unless_taken=open_app.id_hash) is False
    assert submission._insert_new(app, event, unless_taken=app.id_hash) is True
    assert JoinApplication.objects.count() == 2 and app.events.count() == 1


def test_id_held_by_someone_else_is_accepted_and_flagged(client, joinreg):
    member = joinreg.members["jinghu_1"]
    resp = client.post(
        reverse("joining:apply"),
        form(joinreg, id_number=member.id_number, name="冒名者", phone="13700001111"),
    )
    assert resp.status_code == 200 and "入会申请已提交" in resp.content.decode()
    app = JoinApplication.objects.get()
    assert app.held_elsewhere and app.events.count() == 1
    assert member.union.name not in resp.content.decode()  # nothing said about the ID
