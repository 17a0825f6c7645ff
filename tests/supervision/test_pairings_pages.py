"""对口联系 pages, command and API: a county sees only its pairings, a sibling can neither see nor log a
visit (nothing written), only the issuing federation edits, a visit raises problems from the page, the
coverage page and its audited export, the import_pairings JSON line."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.supervision import pairings, pairings_fixture
from gonghui.supervision.models import Pairing, PairingVisit, Problem
from tests.supervision.pairings_helpers import YEAR, prepare_province

pytestmark = pytest.mark.django_db

Kind = Pairing.ContactKind


@pytest.fixture
def city(registry):
    """芜湖市总工会's leaders paired with 镜湖区 and 鸠江区 for this year."""
    wuhu = registry.unions["wuhu"]
    year = dt.date.today().year
    made = {
        key: pairings.create_pairing(
            issuer=wuhu,
            year=year,
            contact=pairings.Contact(f"市总领导 {n}", Kind.LEADER),
            target=registry.unions[key],
            actor=registry.users["wuhu"],
        )
        for n, key in ((1, "jinghu"), (2, "jiujiang"))
    }
    return made


def test_a_county_sees_only_its_own_pairings(registry, city, as_user):
    client = as_user("jinghu")
    page = client.get(reverse("supervision:pairing-list")).content.decode()
    assert "市总领导 1" in page and "市总领导 2" not in page
    assert client.get(city["jiujiang"].get_absolute_url()).status_code == 404
    assert client.get(city["jinghu"].get_absolute_url()).status_code == 200
    api = client.get("/api/v1/supervision/pairings?limit=500").json()["items"]
    assert [p["id"] for p in api] == [city["jinghu"].pk]
    assert client.get(f"/api/v1/supervision/pairings/{city['jiujiang'].pk}").status_code == 404


def test_a_sibling_cannot_log_a_visit_and_nothing_is_written(registry, city, as_user):
    client = as_user("jinghu")
    url = reverse("supervision:pairing-visit", args=[city["jiujiang"].pk])
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count()
    data = {"visited_on": "2026-01-05", "visitors": "镜湖冒名", "problems": "冒名问题", "severity": "general"}
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not PairingVisit.objects.exists() and not Problem.objects.exists()
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count() == before
    with pytest.raises(Exception, match="不能登记"):
        pairings.log_visit(
            city["jiujiang"], visited_on=dt.date(2026, 1, 5), visitors="x", actor=registry.users["jinghu"]
        )
    assert not PairingVisit.objects.exists()


def test_a_visit_from_the_page_raises_problems_on_the_county_list(registry, city, as_user):
    client = as_user("jinghu")  # the county records the city leader's visit
    pairing = city["jinghu"]
    today = dt.date.today()
    response = client.post(
        reverse("supervision:pairing-visit", args=[pairing.pk]),
        {
            "visited_on": today.isoformat(),
            "visitors": "市总领导 1、基层工作部",
            "findings": "街道工会经费不足",
            "problems": "方村街道工会无专职工作人员\n\n街道工会经费未列入预算\n",
            "severity": "important",
        },
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 302
    visit = PairingVisit.objects.get()
    problems = Problem.objects.filter(visit=visit).order_by("pk")
    assert [p.description for p in problems] == ["方村街道工会无专职工作人员", "街道工会经费未列入预算"]
    assert all(p.union == registry.unions["jinghu"] and p.source == "visit" for p in problems)
    assert all(p.severity == "important" and p.found_on == today for p in problems)
    row = AuditEvent.objects.get(object_type="supervision.pairingvisit", object_id=str(visit.pk))
    assert row.user == registry.users["jinghu"] and row.ip == "10.9.9.9" and "登记问题 2 个" in row.detail
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "街道工会经费未列入预算" in page and "已走访" in page
    # A future date is refused, nothing written.
    response = client.post(
        reverse("supervision:pairing-visit", args=[pairing.pk]),
        {"visited_on": (today + dt.timedelta(days=3)).isoformat(), "visitors": "x", "severity": "general"},
    )
    assert response.status_code == 400 and "走访日期不能晚于今天" in response.content.decode()
    assert PairingVisit.objects.count() == 1


def test_only_the_issuer_edits_or_deletes(registry, city, as_user):
    pairing = city["jinghu"]
    edit = reverse("supervision:pairing-edit", args=[pairing.pk])
    data = {"year": pairing.year, "campaign": "", "contact_name": "组织部", "target": pairing.target_id}
    county = as_user("jinghu")
    assert county.get(edit).status_code == 403
    assert county.post(edit, data).status_code == 403
    assert county.post(reverse("supervision:pairing-delete", args=[pairing.pk])).status_code == 403
    pairing.refresh_from_db()
    assert pairing.contact == "市总领导 1" and Pairing.objects.count() == 2
    assert not AuditEvent.objects.filter(object_type="supervision.pairing", action="update").exists()
    with pytest.raises(Exception, match="只有结对的联系方"):
        pairings.update_pairing(
            pairing,
            year=pairing.year,
            contact=pairings.Contact("x", Kind.LEADER),
            target=pairing.target,
            actor=registry.users["jinghu"],
        )
    # 芜湖市总工会: 组织部 is not (yet) one of its departments → refused; once seeded, accepted.
    issuer = as_user("wuhu")
    response = issuer.post(edit, data)
    assert response.status_code == 200 and "不是本会的部门" in response.content.decode()
    from gonghui.supervision import plans

    plans.seed_departments(registry.unions["wuhu"])
    assert issuer.post(edit, data).status_code == 302
    pairing.refresh_from_db()
    assert pairing.contact == "组织部" and pairing.contact_kind == Kind.DEPARTMENT and pairing.department
    assert AuditEvent.objects.filter(object_type="supervision.pairing", action="update").count() == 1
    # A pairing with a visit is kept; one without is deleted, audited.
    pairings.log_visit(pairing, visited_on=dt.date.today(), visitors="组织部", actor=registry.users["wuhu"])
    assert issuer.post(reverse("supervision:pairing-delete", args=[pairing.pk])).status_code == 409
    other = city["jiujiang"]
    assert issuer.post(reverse("supervision:pairing-delete", args=[other.pk])).status_code == 302
    assert not Pairing.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(object_type="supervision.pairing", action="delete").count() == 1


def test_add_page_pairs_the_users_own_federation(registry, as_user):
    client = as_user("wuhu")
    response = client.post(
        reverse("supervision:pairing-add"),
        {"year": 2026, "campaign": "", "contact_name": "市总领导 3", "target": registry.unions["zone"].pk},
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    assert pairing.issuer == registry.unions["wuhu"] and pairing.contact_kind == Kind.LEADER
    assert AuditEvent.objects.filter(object_type="supervision.pairing", action="create").count() == 1
    # The same pair again: refused in Chinese, nothing written.
    again = client.post(
        reverse("supervision:pairing-add"),
        {"year": 2026, "campaign": "", "contact_name": "市总领导 3", "target": registry.unions["zone"].pk},
    )
    assert again.status_code == 200 and "已与" in again.content.decode() and Pairing.objects.count() == 1
    # A county of another city is not among the targets.
    other = client.post(
        reverse("supervision:pairing-add"),
        {"year": 2026, "contact_name": "市总领导 4", "target": registry.unions["hefei"].pk},
    )
    assert other.status_code == 200 and Pairing.objects.count() == 1


def test_coverage_page_and_its_audited_export(registry, city, as_user):
    year = dt.date.today().year
    client = as_user("wuhu")
    page = client.get(reverse("supervision:pairing-coverage"), {"year": year}).content.decode()
    # 镜湖区 and 鸠江区 paired, the zone (a county-level union directly under the city) not.
    assert "芜湖经济技术开发区总工会" in page and 'id="unpaired-count">1<' in page
    assert 'id="unvisited-count">2<' in page
    pairings.log_visit(
        city["jinghu"], visited_on=dt.date.today(), visitors="市总领导 1", actor=registry.users["wuhu"]
    )
    page = client.get(reverse("supervision:pairing-coverage"), {"year": year}).content.decode()
    assert 'id="unvisited-count">1<' in page
    response = client.get(reverse("supervision:pairing-coverage"), {"year": year, "export": "xlsx"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    unpaired = book.get_sheet_by_name("未结对县区").to_python()
    assert [r[1] for r in unpaired[3:]] == ["芜湖经济技术开发区总工会"]
    unvisited = book.get_sheet_by_name("未走访的对口联系").to_python()
    assert [(r[1], r[3]) for r in unvisited[3:]] == [("市总领导 2", "鸠江区总工会")]
    row = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD_REPORT)
    assert row.user == registry.users["wuhu"] and "未结对 1 个" in row.detail
    # A county's own page: itself only; the API says the same.
    county = as_user("jiujiang")
    page = county.get(reverse("supervision:pairing-coverage"), {"year": year}).content.decode()
    assert "镜湖区总工会" not in page and 'id="unvisited-count">1<' in page
    data = county.get(f"/api/v1/supervision/pairing-coverage?year={year}").json()
    assert data["counties_total"] == 1 and data["counties_covered"] == 1 and data["pairs_visited"] == 0
    assert (
        county.get(f"/api/v1/supervision/pairing-coverage?union={registry.unions['jinghu'].pk}").status_code
        == 404
    )
    assert county.get(reverse("supervision:pairing-coverage"), {"year": "abc"}).status_code == 400


def test_import_pairings_command_json_line_and_exit_codes(registry, tmp_path):
    prepare_province(registry)
    path = tmp_path / "附件2.xlsx"
    pairings_fixture.write_xlsx(path)
    province = registry.unions["province"]
    args = [str(path), "--issuer", str(province.pk), "--year", str(YEAR), "--user", "t-province", "--json"]
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pairings", *args, "--dry-run", stdout=out, stderr=err)
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert line == {
        "rows": 27,
        "pairs": 54,
        "contacts": 27,
        "counties_covered": 54,
        "counties_total": 57,
        "errors": 0,
        "committed": False,
    }
    assert not Pairing.objects.exists()
    out = io.StringIO()
    call_command("import_pairings", *args, stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue().strip().splitlines()[-1])["committed"] is True
    assert Pairing.objects.count() == 54
    # A row error: exit 1, the row and the place named, nothing more written.
    rows = list(pairings_fixture.PROVINCIAL_PAIRINGS)
    rows[1] = (2, "省总领导 2", "合肥市肥东乡、安庆市桐城市")
    pairings_fixture.write_xlsx(path, rows)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_pairings",
            *args[:-3],
            "--year",
            "2023",
            "--user",
            "t-province",
            "--json",
            stdout=out,
            stderr=err,
        )
    assert exit_.value.code == 1
    assert "第5行“对口联系县区”：找不到“合肥市肥东乡”" in err.getvalue()
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert line["errors"] == 1 and line["committed"] is False and line["pairs"] == 52
    assert not Pairing.objects.filter(year=2023).exists()
    # Bad usage: exit 2 (an issuer outside the user's subtree, a year out of range).
    with pytest.raises(CommandError) as usage:
        call_command(
            "import_pairings", str(path), "--issuer", str(province.pk), "--year", "2022", "--user", "t-jinghu"
        )
    assert usage.value.returncode == 2
    with pytest.raises(CommandError) as usage:
        call_command(
            "import_pairings",
            str(path),
            "--issuer",
            str(province.pk),
            "--year",
            "1999",
            "--user",
            "t-province",
        )
    assert usage.value.returncode == 2
