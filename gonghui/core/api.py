"""Shared API machinery: token authentication, scope, pagination without COUNT(*), filtersets as query."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, django_auth

from gonghui.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…`` — tokens are issued with ``manage.py issue_token``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


# Token for programs; the session cookie for the browser (the docs page, htmx widgets).
AUTH = [TokenAuth(), django_auth]


MAX_OFFSET = 10**9  # past any table here; a larger offset would overflow the SQL OFFSET (a 500)


class SeekPagination(PaginationBase):
    """limit/offset plus ``has_more``: no COUNT(*) over millions of rows."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        offset: int
        has_more: bool

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        rows = list(queryset[pagination.offset : pagination.offset + pagination.limit + 1])
        return {
            "items": rows[: pagination.limit],
            "offset": pagination.offset,
            "has_more": len(rows) > pagination.limit,
        }


def scoped(request: HttpRequest, model):
    return model.objects.visible_to(request.auth if hasattr(request.auth, "pk") else request.user)


def scoped_get(request: HttpRequest, model, pk: int):
    return get_object_or_404(scoped(request, model), pk=pk)


def filtered(request: HttpRequest, filterset_class, queryset):
    """Apply the list page's filterset to API query parameters; invalid values are a 422 in Chinese."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        from ninja.errors import ValidationError

        raise ValidationError(
            [{"loc": ["query", k], "msg": "；".join(v)} for k, v in filterset.errors.items()]
        )
    return filterset.qs


__all__ = ["AUTH", "Http404", "SeekPagination", "TokenAuth", "filtered", "scoped", "scoped_get"]
