"""How the API knows who is calling: an API token (programs) or the session cookie (the browser).

The token model lives here in accounts, so the authentication does too; ``gonghui/api/urls.py`` hands
``AUTH`` to the NinjaAPI. ``core.api`` keeps only the shared machinery that needs no domain model."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…`` — tokens are issued with ``manage.py issue_token``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


# Token for programs; the session cookie for the browser (the docs page, htmx widgets).
AUTH = [TokenAuth(), django_auth]
