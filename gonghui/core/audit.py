"""Writing the audit log: one row per event.

State changes are audited by the service that makes them (``log``, inside the service's transaction, with
the actor and the client address handed in as plain values), so a page, the API, a command and a task
write the same row. Views call ``record`` only for what happens in the view itself: revealing personal
data, downloads, sensitive exports, log-ins.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from .models import AuditEvent
from .net import client_ip


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    detail: str = "",
    user=None,
) -> AuditEvent:
    """An event seen by a view: the actor and the address come from the request."""
    user = user or (request.user if request is not None and request.user.is_authenticated else None)
    return log(action, obj, actor=user, ip=client_ip(request), detail=detail)


def log(
    action: str,
    obj: models.Model | None = None,
    *,
    actor=None,
    ip: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """An event written by a service: ``actor`` is the user (None for the system: a command, a task),
    ``ip`` the client's address when a page or the API asked (``core.net.client_ip``)."""
    user = actor if getattr(actor, "pk", None) is not None else None
    return AuditEvent.objects.create(
        user=user,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        ip=ip,
        detail=detail,
    )
