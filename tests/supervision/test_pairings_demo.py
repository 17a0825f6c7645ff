"""The demo's pairings on the small registry: the provincial table imported for 2022 and this year,
city leaders covering the rest of Wuhu, a visit raising problems."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gonghui.orgs.models import UnionOrg
from gonghui.supervision import pairings, pairings_fixture
from gonghui.supervision.models import Pairing, Problem
from gonghui.supervision.pairings_demo import load_pairings

pytestmark = pytest.mark.django_db


def test_demo_pairings_cover_every_wuhu_county(registry):
    province, wuhu = registry.unions["province"], registry.unions["wuhu"]
    pairings_fixture.ensure_county_unions(province)
    built = SimpleNamespace(unions={"province": province, "wuhu": wuhu})
    counts = load_pairings(built, registry.users["province"], registry.users["wuhu"])
    year = timezone.localdate().year
    for y in {2022, year}:
        assert Pairing.objects.filter(issuer=province, year=y).count() == 54
        cov = pairings.coverage(wuhu, y, dt.date(y, 12, 31))
        assert cov.counties_total == 5 and not cov.unpaired
    city = Pairing.objects.filter(issuer=wuhu, year=year).order_by("target__path")
    assert [p.contact for p in city] == ["市总领导 1", "市总领导 1", "市总领导 2"]
    assert counts == {"pairings": 2 * (54 + 3), "pairing_visits": 2}
    problem = Problem.objects.get(severity=Problem.Severity.IMPORTANT)
    assert problem.source == Problem.Source.VISIT and problem.visit.pairing.issuer == wuhu
    assert isinstance(problem.union, UnionOrg) and Problem.objects.count() == 2
