"""The client's address, the one way: for the audit log and the public pages' rate limits alike.

``REMOTE_ADDR`` is the peer of the socket and cannot be forged. X-Forwarded-For is read only when that
peer is one of the reverse proxies listed in the setting ``GONGHUI_TRUSTED_PROXIES`` (addresses or
networks, e.g. ``["127.0.0.1", "10.0.0.0/8"]``; environment ``GONGHUI_TRUSTED_PROXIES``, comma-separated;
empty by default). Then the header is walked from the right, skipping the trusted proxies, and the first
address that is not one of them is the client: anything to its left was written by the client itself
and proves nothing (a client can send any X-Forwarded-For it likes; each proxy appends the peer it saw).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, or None without a request (a command, a task) or an address."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "GONGHUI_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return remote or None
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # garbage where an address should be: the last proxy is all we know
                return remote or None
    return (hops[0] if hops else remote) or None
