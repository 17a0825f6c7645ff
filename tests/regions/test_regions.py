"""Regions come from the GB/T 2260 table python-stdnum ships; scope follows the code prefix."""

import io

import pytest
from django.core.management import CommandError, call_command

from gonghui.regions.models import Region
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _load(province: str) -> str:
    out = io.StringIO()
    call_command("load_regions", province=province, stdout=out)
    return out.getvalue()


def test_anhui_has_16_cities_and_104_county_level_units(db):
    output = _load("34")
    anhui = Region.objects.filter(code__startswith="34")
    assert anhui.filter(level=Region.Level.PROVINCE).count() == 1
    assert anhui.filter(level=Region.Level.CITY).count() == 16
    assert anhui.filter(level=Region.Level.COUNTY).count() == 104
    assert "地级 16" in output and "县级 104" in output
    jiujiang = Region.objects.get(code="340207")
    assert (
        jiujiang.name == "鸠江区"
        and jiujiang.parent.code == "340200"
        and jiujiang.parent.parent.code == "340000"
    )


def test_loading_again_changes_nothing_and_other_provinces_load_by_prefix(db):
    _load("34")
    again = _load("34")
    assert "新增 0，更新 0" in again
    _load("32")
    assert Region.objects.filter(code="320000", name="江苏省").exists()
    assert Region.objects.filter(code__startswith="34").count() == 121


def test_unknown_province_is_a_clear_error(db):
    with pytest.raises(CommandError, match="99"):
        _load("99")


def test_regions_are_scoped_by_the_users_union_region(client, registry):
    jinghu = registry.users["jinghu"]
    codes = set(Region.objects.visible_to(jinghu).values_list("code", flat=True))
    assert "340202" in codes and all(c.startswith("340202") for c in codes)
    assert set(Region.objects.visible_to(registry.users["wuhu"]).values_list("code", flat=True)) >= {
        "340200",
        "340202",
        "340207",
    }
    assert client.login(username="t-jinghu", password=PASSWORD)
    assert client.get(f"/regions/{Region.objects.get(code='340207').pk}/").status_code == 404
    detail = client.get(f"/regions/{Region.objects.get(code='340202').pk}/")
    assert detail.status_code == 200 and "镜湖区总工会" in detail.content.decode()
