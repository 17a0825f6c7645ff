"""One client address for the audit log and the rate limits (core/net.py): X-Forwarded-For counts only
when the peer is a configured proxy, and then only its right-most untrusted hop."""

import pytest
from django.test import RequestFactory

from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.joining import ratelimit
from tests.factories import PASSWORD


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.GONGHUI_TRUSTED_PROXIES = []
    assert client_ip(request(forwarded="1.2.3.4")) == "203.0.113.7"
    assert client_ip(request(remote="", forwarded="1.2.3.4")) is None
    assert client_ip(None) is None


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request(remote="203.0.113.7", forwarded="1.2.3.4")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.1"]
    # The client sent "6.6.6.6" itself; the outer proxy 10.0.0.5 appended the real peer 198.51.100.9.
    forged = request(remote="127.0.0.1", forwarded="6.6.6.6, 198.51.100.9, 10.0.0.5")
    assert client_ip(forged) == "198.51.100.9"
    assert client_ip(request(remote="127.0.0.1", forwarded="198.51.100.9")) == "198.51.100.9"
    assert client_ip(request(remote="127.0.0.1", forwarded="")) == "127.0.0.1"
    assert client_ip(request(remote="127.0.0.1", forwarded="6.6.6.6, not-an-ip")) == "127.0.0.1"
    assert client_ip(request(remote="127.0.0.1", forwarded="2001:db8::1")) == "2001:db8::1"


def test_audit_log_ignores_a_spoofed_forwarded_for_by_default(client, registry, settings):
    settings.GONGHUI_TRUSTED_PROXIES = []
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-wuhu", password=PASSWORD)
    response = client.post(
        f"/members/{member.pk}/reveal/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.Action.REVEAL).ip == "10.1.2.3"


def test_audit_log_behind_a_trusted_proxy_records_the_hop_the_proxy_saw(client, registry, settings):
    settings.GONGHUI_TRUSTED_PROXIES = ["10.1.2.3"]
    member = registry.members["jiujiang_1"]
    assert client.login(username="t-wuhu", password=PASSWORD)
    response = client.post(
        f"/members/{member.pk}/reveal/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.Action.REVEAL).ip == "198.51.100.9"


@pytest.mark.parametrize("trusted", [[], ["127.0.0.1"]])
def test_rate_limiter_and_audit_log_agree(settings, trusted):
    settings.GONGHUI_TRUSTED_PROXIES = trusted
    spoofed = request(remote="127.0.0.1", forwarded="6.6.6.6, 198.51.100.9")
    assert ratelimit.client_ip(spoofed) == client_ip(spoofed) == ("198.51.100.9" if trusted else "127.0.0.1")
