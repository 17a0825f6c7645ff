"""Online joining across a failover (issue 17 point 3): every submission answers either 「入会申请已提交」
with its number or 503 「请稍后重试」; every number answered is on the new primary afterwards."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from gonghui.core import failover
from gonghui.joining.models import JoinApplication, RoutingRule
from gonghui.orgs.models import UnionKind, UnionOrg
from tests.factories import make_id
from tests.joining.test_views import form

from . import nodes
from .worker import write_prober

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
NUMBER = re.compile(r'id="app-number">([^<]+)<')
ERRORS = re.compile(r'class="[^"]*(?:alert|invalid-feedback|errorlist)[^"]*"[^>]*>\s*([^<]+)')
CLIENTS = 4


@pytest.fixture
def joinreg(registry, settings):
    settings.GONGHUI_JOIN_SUBMIT_FLOOR = 0
    settings.GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (10**6, 3600), "apply_id": (10**6, 86400)}
    u = registry.unions
    u["jiujiang_newform"] = UnionOrg.objects.create(
        name="鸠江区新就业形态劳动者工会联合会",
        kind=UnionKind.NEW_FORM_FEDERATION,
        parent=u["jiujiang"],
        region=u["jiujiang"].region,
    )
    RoutingRule.objects.create(
        region=u["jiujiang"].region, new_form_group=registry.groups["courier"], union=u["jiujiang_newform"]
    )
    return registry


class Submitter(threading.Thread):
    def __init__(self, reg, seq0: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.reg, self.seq, self.stop = reg, seq0, stop
        self.accepted: list[str] = []
        self.accepted_at: list[float] = []  # time.monotonic() of each success answer
        self.retry_later = 0
        self.other: list[tuple[int, str]] = []

    def run(self) -> None:
        client = Client()
        try:
            while not self.stop.is_set():
                self.seq += 1
                birth = dt.date(1980, 1, 1) + dt.timedelta(days=self.seq // 800)
                data = form(
                    self.reg, id_number=make_id("340207", birth, self.seq % 800 + 100), name="切换测试"
                )
                response = client.post(reverse("joining:apply"), data)
                html = response.content.decode()
                if response.status_code == 200 and (found := NUMBER.search(html)):
                    self.accepted.append(found.group(1).strip())
                    self.accepted_at.append(time.monotonic())
                elif response.status_code == 503 and "请稍后重试" in html:
                    self.retry_later += 1
                    time.sleep(0.2)
                else:
                    said = ERRORS.findall(html)
                    self.other.append((response.status_code, " / ".join(said) or html[-400:]))
        finally:
            connections.close_all()


def test_joining_submissions_across_a_failover_are_kept_or_refused_never_lost(joinreg):
    nodes.wait_replayed()
    stop = threading.Event()
    threads = [Submitter(joinreg, 100_000 * i, stop) for i in range(CLIENTS)]
    prober = None
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)  # submissions before the failover
        old_primary = nodes.primary()
        nodes.kill_node(old_primary)
        prober = write_prober(old_primary)
        deadline = time.monotonic() + 120
        while prober.seconds() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # submissions after it
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        restored = False
        if prober is not None:
            nodes.restore()  # the killed node rejoins as the standby, whatever the assertions below say
            restored = True
    accepted = [n for t in threads for n in t.accepted]
    retry_later = sum(t.retry_later for t in threads)
    other = [o for t in threads for o in t.other]
    assert not other, other[:3]
    assert prober is not None and prober.seconds() is not None, "切换后 120 秒内新主库仍不接受写入"
    # The submissions spanned the failover: some answered before the kill, some after the new primary took
    # writes. 「请稍后重试」 answers are usual but not certain: a request that reaches pgbouncer while it has no
    # server waits in its queue and is served by the new primary; one in flight on a server connection that
    # outlives the kill for a moment (the killed postmaster's backend) can still commit, replicated.
    killed, took_writes = prober.since, prober.since + prober.seconds()
    answered = [t for th in threads for t in th.accepted_at]
    assert any(t < killed for t in answered), "杀死主库之前应有成功的提交"
    assert any(t > took_writes for t in answered), "新主库接受写入之后应有成功的提交"
    stored = set(
        failover.retry_after_failover(
            lambda: list(JoinApplication.objects.filter(number__in=accepted).values_list("number", flat=True))
        )
    )
    lost = sorted(set(accepted) - stored)
    nodes.FIGURES.append(
        f"[入会切换] 成功 {len(accepted)} 份（切换后全部在新主库），请稍后重试 {retry_later} 次，"
        f"丢失 {len(lost)} 份；杀死主库 → 首次写入成功 {prober.seconds():.1f} 秒"
    )
    assert not lost, f"回答成功却不在新主库：{lost[:5]}"
    assert restored
