"""The home page loads the panels the apps registered (orgs: the subtree counts of the user's node;
supervision: the 督导提醒 of the node; directories: the list's funnel per sub-unit), in their order; core's template names no app's page."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_loads_the_registered_panels_for_the_users_node(client, registry):
    assert client.login(username="t-jinghu", password=PASSWORD)
    page = client.get("/")
    stats = f"/orgs/unions/{registry.unions['jinghu'].pk}/stats/"
    reminders = f"/supervision/reminders/panel/{registry.unions['jinghu'].pk}/"
    funnel = f"/worklist/panel/{registry.unions['jinghu'].pk}/"
    assert page.context["panels"] == [stats, reminders, funnel]
    for url in (stats, reminders, funnel):
        assert f'hx-get="{url}"' in page.content.decode()
        assert client.get(url).status_code == 200


def test_a_user_with_no_node_gets_no_panel(client, registry):
    assert client.login(username="t-nounion", password=PASSWORD)
    page = client.get("/")
    assert page.context["panels"] == [] and "hx-get" not in page.content.decode()
