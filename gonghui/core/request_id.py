"""The request id (issue 11): every request gets one, every log line written while it is served carries
it, and the 500 page shows it. Apart from core/middleware.py because the logging configuration loads the
filter before the apps (and their models) are ready."""

from __future__ import annotations

import contextvars
import logging
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("gonghui_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being served in this thread or task, ``-`` outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request a short random id (``request.id``), sent back as the X-Request-ID header, put
    on every log line written while it is served (``RequestIdLogFilter``) and shown on the 500 page, so
    that what a user reads out over the phone finds the traceback in the log. A client's own
    X-Request-ID is not trusted: the id is always made here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex[:12]
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every record: the request's own (Django's request logger passes it), else
    the one being served in this context, else ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or _request_id.get()
        return True
