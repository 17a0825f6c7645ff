"""Writing the audit log: one call per event, from views, exports and the API."""

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
    user = user or (request.user if request is not None and request.user.is_authenticated else None)
    return AuditEvent.objects.create(
        user=user,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        ip=client_ip(request),
        detail=detail,
    )
