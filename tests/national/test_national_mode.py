"""National mode: no personal-data page is served, the menu offers none, the roll-up page is there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.national.services import publish_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_mode(settings):
    settings.GONGHUI_MODE = "national"
    return settings


def test_registry_pages_answer_404_in_national_mode(registry, as_user, national_mode):
    client = as_user("province")
    for name in ("members:member-list", "orgs:union-list", "joining:apply"):
        assert client.get(reverse(name)).status_code == 404, name
    page = client.get(reverse("national:dashboard"))
    assert page.status_code == 200
    menu = page.content.decode()
    assert reverse("members:member-list") not in menu and "全国汇总" in menu


def test_the_same_pages_are_served_in_province_mode(registry, as_user):
    client = as_user("province")
    assert client.get(reverse("members:member-list")).status_code == 200


def test_dashboard_shows_provinces_and_their_sum(province, as_user, national):
    publish_snapshot(timezone.localdate())
    page = as_user("province").get(reverse("national:dashboard")).content.decode()
    assert "安徽省" in page and "合计" in page and "截至该日未发布" not in page


def test_a_user_without_a_node_is_refused_in_a_province_and_served_in_national_mode(
    registry, as_user, settings
):
    client = as_user("nounion")
    assert client.get(reverse("national:dashboard")).status_code == 403
    settings.GONGHUI_MODE = "national"
    assert client.get(reverse("national:dashboard")).status_code == 200


def test_in_a_province_only_the_provincial_federation_opens_it(registry, as_user):
    """A city or county governs no publication upward: neither the page nor the menu entry."""
    for key in ("wuhu", "jinghu"):
        client = as_user(key)
        assert client.get(reverse("national:dashboard")).status_code == 403
        assert "全国汇总" not in {e["label"] for e in client.get("/").context["nav_items"]}
    client = as_user("province")
    assert client.get(reverse("national:dashboard")).status_code == 200
    sections = {e["label"]: e["section"] for e in client.get("/").context["nav_items"]}
    assert sections["全国汇总"] == "报送与考核"
