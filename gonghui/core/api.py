"""Shared API machinery: scope, pagination without COUNT(*), filtersets as query, Chinese error bodies.

Who is calling (API token or session) is decided by ``accounts.api_auth``, which owns the token model."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from . import audit
from .masking import mask_text
from .models import AuditEvent

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


def route_of(request: HttpRequest) -> str:
    """The method, path and query of an API request for the audit log, ID-like numbers masked (a search
    by resident ID must not put the ID in the log in clear)."""
    query = "&".join(f"{key}={value}" for key, value in request.GET.items())
    return mask_text(f"{request.method} {request.path}" + (f"?{query}" if query else ""))


def audit_read(request: HttpRequest, model, count: int, obj=None, masked: bool = True) -> None:
    """One audit row per API request that returned personal data: who (token or session user), the
    route, how many records and whether IDs and phones were masked. Never a row per record."""
    what = "身份证号、手机号已脱敏" if masked else "含完整身份证号、手机号"
    audit.record(
        request,
        AuditEvent.Action.API_READ,
        obj,
        detail=f"API 读取{model._meta.verbose_name}：{route_of(request)}；返回 {count} 条（{what}）",
    )


class AuditedSeekPagination(SeekPagination):
    """SeekPagination for routes returning personal data: the page handed out is audited (``audit_read``)
    with the number of records on it."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        audit_read(request, queryset.model, len(page["items"]))
        return page


def scoped(request: HttpRequest, model):
    auth = getattr(request, "auth", None)  # set by django-ninja: the token's user, or the session's
    return model.objects.visible_to(auth if hasattr(auth, "pk") else request.user)


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


# -- error bodies in Chinese ------------------------------------------------------------------------
# django-ninja answers 401 "Unauthorized", 404 "Not Found" and 422 with pydantic's English messages.
# These handlers give every 4xx body a Chinese ``detail`` (422: a Chinese ``msg`` per error; ``loc``
# and ``type`` stay machine-readable).

_LOCATIONS = {
    "query": "查询参数",
    "path": "路径参数",
    "body": "请求体",
    "header": "请求头",
    "form": "表单字段",
}


def _pydantic_message(error: dict) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": "必须填写",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "float_type": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "string_type": "应为文本",
        "date_parsing": "应为日期（年-月-日，如 2026-06-30）",
        "date_from_datetime_parsing": "应为日期（年-月-日，如 2026-06-30）",
        "date_type": "应为日期（年-月-日，如 2026-06-30）",
        "datetime_parsing": "应为日期时间",
        "datetime_from_date_parsing": "应为日期时间",
        "json_invalid": "不是有效的 JSON",
        "model_attributes_type": "格式不正确",
        "dict_type": "格式不正确",
        "list_type": "应为列表",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "greater_than_equal": f"不能小于 {ctx.get('ge')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "less_than_equal": f"不能大于 {ctx.get('le')}",
        "string_too_short": f"至少 {ctx.get('min_length')} 个字符",
        "string_too_long": f"最多 {ctx.get('max_length')} 个字符",
        "literal_error": f"只能是 {ctx.get('expected')}",
        "enum": f"只能是 {ctx.get('expected')}",
    }
    return messages.get(kind, "取值无效")


def _validation_body(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = _LOCATIONS.get(loc[0], loc[0]) if loc else ""
        field = ".".join(loc[1:])
        msg = error.get("msg", "")
        # Our own validation (filtersets) already speaks Chinese; pydantic's messages do not.
        if "type" in error or not msg:
            msg = _pydantic_message(error)
        label = f"{where}「{field}」" if field else where
        out.append(
            {"loc": loc, "type": error.get("type", "invalid"), "msg": f"{label}：{msg}" if label else msg}
        )
    return out


def install_error_handlers(api) -> None:
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    def not_found(request, exc):
        return api.create_response(request, {"detail": "未找到该对象，或它不在您的管辖范围内"}, status=404)

    def unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": "未登录或 API 令牌无效：请先登录，或在请求头中提供有效的令牌"}, status=401
        )

    def http_error(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def invalid(request, exc):
        """422 as django-ninja gives it (``loc``, ``type`` for programs), each message in Chinese, plus
        one sentence naming the parameters that are wrong."""
        names = "、".join(dict.fromkeys(str(e.get("loc", ["?"])[-1]) for e in exc.errors))
        body = {"detail": _validation_body(exc.errors), "message": f"请求参数不合法：{names}"}
        return api.create_response(request, body, status=422)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid)


__all__ = [
    "AuditedSeekPagination",
    "Http404",
    "SeekPagination",
    "audit_read",
    "filtered",
    "install_error_handlers",
    "scoped",
    "scoped_get",
]
