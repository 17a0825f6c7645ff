"""对口联系: the provincial table imported as printed (27 rows → 54 pairs), an unknown place refused with
nothing written, coverage of a federation's counties, a visit raising problems."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.models import AuditEvent
from gonghui.supervision import pairings, pairings_fixture
from gonghui.supervision.counties import county_level_unions
from gonghui.supervision.models import Department, Pairing, PairingVisit, Problem
from tests.supervision.pairings_helpers import YEAR, import_table, prepare_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(registry):
    prepare_province(registry)
    return registry.unions["province"]


def test_the_provincial_table_is_imported_as_printed(registry, province, tmp_path):
    _job, result = import_table(registry, tmp_path)
    assert result.committed and result.errors == 0 and result.rows == 27
    assert result.extra["pairs"] == 54 and result.extra["contacts"] == 27
    assert result.extra["counties_covered"] == 54
    assert result.extra["counties_total"] == county_level_unions(province).count() == 57
    rows = Pairing.objects.filter(issuer=province, year=YEAR)
    assert rows.count() == 54 and rows.values("target").distinct().count() == 54
    first = rows.filter(contact="省总领导 1").order_by("target__path")
    assert {p.target.name for p in first} == {"肥西县总工会", "宁国市总工会"}
    assert {p.contact_kind for p in first} == {Pairing.ContactKind.LEADER}
    grassroots = rows.get(contact="基层工作部", target__name="岳西县总工会")
    assert grassroots.contact_kind == Pairing.ContactKind.DEPARTMENT
    assert grassroots.department == Department.objects.get(union=province, name="基层工作部")
    culture = rows.filter(contact="省教科文卫体工会").first()
    assert culture.contact_kind == Pairing.ContactKind.INDUSTRY_UNION and culture.department is not None
    # The separators as printed: ，and a space and a half-width comma.
    assert rows.filter(target__name__in=["东至县总工会", "太湖县总工会", "灵璧县总工会"]).count() == 3
    # 南陵县 and 无为市 are Wuhu's: the province pairs them with its leaders 6 and 7.
    assert rows.filter(target__parent=registry.unions["wuhu"]).count() == 2
    assert AuditEvent.objects.filter(object_type="supervision.pairing", action="create").count() == 54
    _job, again = import_table(registry, tmp_path)
    assert again.committed and again.created == 0 and again.skipped == 27
    assert Pairing.objects.count() == 54


def test_an_unknown_place_is_a_row_error_naming_it_and_nothing_is_written(registry, province, tmp_path):
    rows = list(pairings_fixture.PROVINCIAL_PAIRINGS)
    rows[1] = (2, "省总领导 2", "合肥市肥东乡、安庆市桐城市")
    rows[3] = (4, "文体部", "合肥市庐江县、六安市霍邱县")
    audits = AuditEvent.objects.count()
    job, result = import_table(registry, tmp_path, rows)
    assert not result.committed and result.errors == 2
    errors = {(e.row, e.column, e.message) for e in job.row_errors.all()}
    # 附件2 and the title above the header: the table's second data row is the sheet's fifth row.
    assert (5, "对口联系县区", "找不到“合肥市肥东乡”") in errors
    assert any(row == 7 and "「文体部」不是本会的部门" in message for row, _c, message in errors)
    assert Pairing.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_coverage_counts_paired_and_visited_counties(registry, province, tmp_path):
    import_table(registry, tmp_path)
    cov = pairings.coverage(province, YEAR, as_of=dt.date(YEAR, 12, 31))
    assert cov.counties_total == 57 and cov.counties_covered == 54
    assert {u.name for u in cov.unpaired} == {"镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会"}
    assert len(cov.pairs) == 54 and len(cov.unvisited) == 54 and not cov.complete
    pairing = Pairing.objects.get(contact="省总领导 6", target__name="南陵县总工会")
    pairings.log_visit(
        pairing,
        visited_on=dt.date(YEAR, 5, 6),
        visitors="省总领导 6、基层工作部",
        actor=registry.users["province"],
    )
    cov = pairings.coverage(province, YEAR, as_of=dt.date(YEAR, 12, 31))
    assert len(cov.unvisited) == 53 and cov.pairs_visited == 1
    # As of a day before the visit, it does not count.
    assert len(pairings.coverage(province, YEAR, as_of=dt.date(YEAR, 5, 5)).unvisited) == 54
    # Wuhu's own view: its counties and zones, two paired by the province.
    wuhu = pairings.coverage(registry.unions["wuhu"], YEAR, as_of=dt.date(YEAR, 12, 31))
    assert wuhu.counties_total == 5 and wuhu.counties_covered == 2 and len(wuhu.pairs) == 2


def test_a_visit_raises_problems_on_the_county_list_in_one_step(registry, province, tmp_path):
    import_table(registry, tmp_path)
    pairing = Pairing.objects.get(contact="省总领导 7", target__name="无为市总工会")
    visit = pairings.log_visit(
        pairing,
        visited_on=dt.date(YEAR, 6, 1),
        visitors="省总领导 7",
        findings="乡镇工会经费保障不足",
        problem_lines=[
            pairings.ProblemLine("乡镇工会经费未列入财政预算", Problem.Severity.IMPORTANT),
            pairings.ProblemLine("  "),
        ],
        actor=registry.users["province"],
    )
    problem = Problem.objects.get()
    assert problem.visit == visit and problem.union == pairing.target
    assert problem.source == Problem.Source.VISIT and problem.found_on == dt.date(YEAR, 6, 1)
    assert problem.severity == Problem.Severity.IMPORTANT and problem.events.count() == 1
    assert (
        AuditEvent.objects.filter(object_type="supervision.pairingvisit", object_id=str(visit.pk)).count()
        == 1
    )
    assert PairingVisit.objects.count() == 1
