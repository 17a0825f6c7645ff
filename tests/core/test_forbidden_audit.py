"""A signed-in user refused a page (403) leaves an audit row: who, which URL, from where."""

from __future__ import annotations

from django.urls import reverse

from gonghui.core.models import AuditEvent


def _refusals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.FORBIDDEN)


def test_a_refused_sensitive_page_is_audited_with_user_path_and_address(registry, client, as_user):
    viewer = registry.users["viewer"]
    as_user(viewer)
    url = reverse("members:member-list") + "?export=csv&full=1"
    response = client.get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    event = _refusals().get()
    assert event.user == viewer and event.username == viewer.username and event.ip == "10.1.2.3"
    assert event.detail == f"拒绝访问：GET {url}"
    assert event.get_action_display() == "拒绝访问"


def test_the_user_without_a_node_refused_at_the_door_is_audited(registry, client, as_user):
    as_user("nounion")
    assert client.post(reverse("orgs:workplace-add"), {"name": "新单位"}).status_code == 403
    assert _refusals().get().detail == f"拒绝访问：POST {reverse('orgs:workplace-add')}"


def test_allowed_pages_and_anonymous_visitors_write_no_refusal(registry, client, as_user):
    assert client.get(reverse("members:member-list")).status_code == 302  # anonymous → login page
    as_user("wuhu")
    assert client.get(reverse("members:member-list")).status_code == 200
    assert not _refusals().exists()
