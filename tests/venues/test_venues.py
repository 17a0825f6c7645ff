"""服务阵地: the 六有 checklist, coordinate checks, new venues per county in a period, the ledger import's
error cases (nothing half-written), the indicator and scope — on the shared test registry."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.models import AuditEvent
from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job
from gonghui.regions.models import Region
from gonghui.venues import services
from gonghui.venues.models import ChecklistItem, Venue, VenueEvent, VenueKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def registry(django_db_setup, django_db_blocker):
    """The shared registry once for the module (each test's own rows roll back with the test)."""
    from tests.factories import build_registry

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_registry()
        transaction.set_rollback(True)


D = dt.date


OPENED = D(2024, 3, 1)


def venue(reg, union="jiujiang", region="340207", name="官陡驿站", opened=OPENED, **extra):
    services.ensure_venue_kinds()
    return services.save_venue(
        Venue(
            name=name,
            kind=VenueKind.objects.get(code=extra.pop("kind", "station")),
            operator=reg.unions[union],
            region=Region.objects.get(code=region),
            address="芜湖市某路 1 号",
            opened_on=opened,
            **extra,
        )
    )


def test_six_haves_pass_only_when_every_item_is_met(registry):
    v = venue(registry)
    items = list(ChecklistItem.objects.filter(kind=v.kind))
    assert [i.name for i in items] == ["有场所", "有标识", "有设施", "有服务", "有制度", "有人员"]
    ok = services.record_inspection(
        v, services.InspectionInput(D(2024, 5, 1), "市总", {i.pk: True for i in items})
    )
    assert ok.passed and Venue.objects.get(pk=v.pk).compliant is True
    met = {i.pk: i.code != "staff" for i in items}
    later = services.record_inspection(v, services.InspectionInput(D(2024, 9, 1), "市总", met))
    assert not later.passed
    assert Venue.objects.get(pk=v.pk).compliant is False
    # An older inspection entered afterwards does not overwrite the latest result.
    services.record_inspection(
        v, services.InspectionInput(D(2024, 6, 1), "市总", {i.pk: True for i in items})
    )
    assert Venue.objects.get(pk=v.pk).compliant is False
    assert VenueEvent.objects.filter(venue=v, action="达标检查").count() == 3
    assert AuditEvent.objects.filter(object_type="venues.inspection").count() == 3
    with pytest.raises(ValidationError, match="有人员"):
        partial = {i.pk: True for i in items[:-1]}
        services.record_inspection(v, services.InspectionInput(D(2024, 10, 1), "市总", partial))
    assert v.inspections.count() == 3


def test_coordinates_are_checked(registry):
    with pytest.raises(ValidationError, match="经度"):
        venue(registry, longitude=Decimal("31.35"), latitude=Decimal("118.40"))  # swapped
    with pytest.raises(ValidationError, match="同时填写"):
        venue(registry, longitude=Decimal("118.40"))
    with pytest.raises(ValidationError, match="星级"):
        venue(registry, stars=6)
    assert not Venue.objects.exists()
    assert venue(registry, longitude=Decimal("118.40"), latitude=Decimal("31.35")).pk


def test_new_venues_per_county_in_a_period_and_the_indicator(registry):
    venue(registry, name="甲", opened=D(2023, 12, 31))
    venue(registry, name="乙", opened=D(2024, 1, 1))
    venue(registry, name="丙", opened=D(2024, 12, 31), kind="reading")
    venue(registry, union="jinghu", region="340202", name="丁", opened=D(2024, 6, 1))
    venue(registry, union="jinghu", region="340202", name="戊", opened=None, status=Venue.Status.PLANNED)
    rows = {
        r["region"]: r for r in services.new_per_county(Venue.objects.all(), D(2024, 1, 1), D(2024, 12, 31))
    }
    assert rows["鸠江区"]["total"] == 2 and rows["鸠江区"]["by_kind"] == {"工会驿站": 1, "职工书屋/书吧": 1}
    assert rows["镜湖区"]["total"] == 1
    # Venues per 10,000 members: 鸠江区 has 3 in use at the end of 2024 over its members of that day.
    figures = services.venues_per_sub_unit(registry.unions["wuhu"], D(2024, 12, 31))
    jiujiang = figures[registry.unions["jiujiang"].path]
    assert jiujiang[0] == 3
    assert figures[""][0] == 4
    # The daily refresh asks once for every node: each node's answer equals its own.
    u = registry.unions
    nodes = [u[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "zone")]
    many = services.venues_per_sub_unit_many(nodes, D(2024, 12, 31))
    assert many[u["wuhu"].pk] == figures
    for node in nodes:
        assert many[node.pk] == services.venues_per_sub_unit(node, D(2024, 12, 31)), node.name


def test_scope(registry):
    v = venue(registry)
    jinghu, jiujiang = registry.users["jinghu"], registry.users["jiujiang"]
    assert not Venue.objects.visible_to(jinghu).filter(pk=v.pk).exists()
    assert Venue.objects.visible_to(jiujiang).filter(pk=v.pk).exists()
    assert Venue.objects.visible_to(registry.users["wuhu"]).filter(pk=v.pk).exists()


def _ledger(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["名称", "阵地类别", "运营工会", "所在县区", "地址", "经度", "纬度", "星级", "状态", "建成日期"]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = [
    "官陡驿站",
    "工会驿站",
    "鸠江区总工会",
    "鸠江区",
    "官陡路 1 号",
    118.41,
    31.36,
    3,
    "在用",
    "2024-05-01",
]


def test_import_errors_name_row_and_column_and_write_nothing(registry, tmp_path):
    services.ensure_venue_kinds()
    path = _ledger(
        tmp_path / "阵地.xlsx",
        [
            GOOD,
            ["湾里驿站", "驿站站", "鸠江区总工会", "鸠江区", "湾里路", 118.4, 31.3, "", "在用", "2024-01-01"],
            [
                "清水驿站",
                "工会驿站",
                "镜湖区总工会",
                "鸠江区",
                "清水路",
                31.3,
                118.4,
                7,
                "在用",
                "2024-01-01",
            ],
            ["沈巷驿站", "工会驿站", "鸠江区总工会", "火星区", "沈巷路", "", "", "", "在用", ""],
            ["四褐山驿站", "工会驿站", "鸠江区总工会", "鸠江区", "四褐山路", "", "", "", "在用", ""],
        ],
    )
    job = create_job(registry.users["jiujiang"], "venues", path, path.name)
    result = run_job(job, dry_run=False)
    issues = {(i.index, i.column): i.message for i in result.issues}
    assert "驿站站" in issues[(1, "阵地类别")]
    assert "不在您的管辖范围内" in issues[(2, "运营工会")]
    assert "经度" in issues[(2, "经度")] and "填反" in issues[(2, "经度")]
    assert "1～5" in issues[(2, "星级")]
    assert "火星区" in issues[(3, "所在县区")]
    assert "建成日期" in " ".join(m for (i, _c), m in issues.items() if i == 4)
    assert not result.committed and not Venue.objects.exists()

    good = _ledger(tmp_path / "好.xlsx", [GOOD])
    result = run_job(create_job(registry.users["jiujiang"], "venues", good, good.name), dry_run=False)
    assert result.committed and result.created == 1
    v = Venue.objects.get()
    assert v.longitude == Decimal("118.410000") and v.events.filter(action="登记").exists()


def test_pages_and_api_are_scoped(registry, as_user):
    v = venue(registry, longitude=Decimal("118.41"), latitude=Decimal("31.36"))
    client = as_user("jinghu")
    assert client.get(f"/venues/{v.pk}/").status_code == 404
    assert client.get(f"/api/v1/venues/{v.pk}").status_code == 404
    client = as_user("jiujiang")
    page = client.get("/venues/map/?region=340207")
    assert page.status_code == 200 and page.context["total"] == 1
    assert "<script>" not in page.content.decode()  # CSP: no inline script
    assert client.get("/venues/summary/?from=2024-01-01&to=2024-12-31").context["total"] == 1
    assert client.get(f"/venues/{v.pk}/").status_code == 200
