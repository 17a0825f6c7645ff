"""How the API knows who is calling: an API token (programs) or the session cookie (the browser).

The token model lives here in accounts, so the authentication does too; ``gonghui/api/urls.py`` hands
``AUTH`` to the NinjaAPI. ``core.api`` keeps only the shared machinery that needs no domain model."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from . import roles
from .middleware import otp_step
from .models import ApiToken

# Methods that only read. Anything else (POST, PUT, PATCH, DELETE) needs a token with write scope.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_TOKEN = "该 API 令牌为只读，不能执行写操作；如需写权限，请联系安全管理员授予"


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…`` — issued on 「API 令牌」 (/accounts/tokens/) or with ``manage.py
    issue_token``. Read-only unless granted: checked here, once for every route, so a new write route
    cannot forget it."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.lookup(token)
        if found is None:
            return None
        request.user = found.user  # before any refusal, so that the 403 is audited with its user
        if found.user.tools_only:
            # 三员分立: no business route answers the three administrators (LeastPrivilegeMiddleware
            # refuses their session; a token must not be the way around it).
            raise HttpError(403, roles.refusal(found.user))
        if request.method not in SAFE_METHODS and not found.writes:
            raise HttpError(403, READ_ONLY_TOKEN)
        return found.user


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
