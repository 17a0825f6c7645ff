"""How the API knows who is calling: an API token (programs) or the session cookie (the browser).

The token model lives here in accounts, so the authentication does too; ``gonghui/api/urls.py`` hands
``AUTH`` to the NinjaAPI. ``core.api`` keeps only the shared machinery that needs no domain model."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .middleware import otp_step
from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…`` — tokens are issued with ``manage.py issue_token``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """The session cookie, once the session has passed the second factor when one is owed (issue 11):
    a session stopped at the code page must not read data through the API either."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is not None and otp_step(request):
            return None
        return user


# Token for programs; the session cookie for the browser (the docs page, htmx widgets).
AUTH = [TokenAuth(), VerifiedSessionAuth()]
