"""Query parameters read by views: parsed in one place, so that a malformed value is a 400 whose message
says in Chinese which parameter is wrong and why — never a 500 from deep inside the ORM, a paginator or
a document writer. An id that parses but matches nothing is left to the view (its 404).

Views call ``id_param(request, "node")``, ``date_param(request, "as_of", "统计日期")``, ``page_param(request)``
instead of ``request.GET.get`` + ``int()``; ``RejectControlCharacters`` refuses NUL and other control
characters in the path and the query string before any view runs (PostgreSQL text cannot hold NUL,
nor can the XML of a .docx)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import overload

from django.core.exceptions import BadRequest

from .normalize import InvalidValue, normalize_date

MAX_ID = 2**63 - 1  # bigint: a larger "id" cannot exist in any table
MAX_PAGE = 1_000_000  # 50 rows a page: 50 M rows, past any list here
MAX_PER_PAGE = 500


class ParamError(BadRequest):
    """A malformed query parameter; ``str(exc)`` is the Chinese message shown on the 400 page."""


def shown(raw: str, limit: int = 20) -> str:
    """The raw value as it may be quoted back in a message: control characters escaped, cut short."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in raw)
    return text if len(text) <= limit else text[:limit] + "…"


def _raw(request, name: str) -> str | None:
    value = request.GET.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


@overload
def int_param(
    request, name: str, default: int, *, min_value: int = 0, max_value: int = MAX_ID, label: str = ""
) -> int: ...


@overload
def int_param(
    request, name: str, default: None = None, *, min_value: int = 0, max_value: int = MAX_ID, label: str = ""
) -> int | None: ...


def int_param(
    request,
    name: str,
    default: int | None = None,
    *,
    min_value: int = 0,
    max_value: int = MAX_ID,
    label: str = "",
) -> int | None:
    raw = _raw(request, name)
    if raw is None:
        return default
    what = f"参数 {name}" + (f"（{label}）" if label else "")
    if not (raw.isascii() and raw.lstrip("-").isdigit()):
        raise ParamError(f"{what}应为整数，收到「{shown(raw)}」")
    value = int(raw)
    if not min_value <= value <= max_value:
        raise ParamError(f"{what}应在 {min_value} 到 {max_value} 之间，收到「{shown(raw)}」")
    return value


def id_param(request, name: str, label: str = "编号") -> int | None:
    """A record id (a positive integer) or None when the parameter is absent or empty."""
    return int_param(request, name, min_value=1, label=label)


def page_param(request, name: str = "page") -> int:
    return int_param(request, name, 1, min_value=1, max_value=MAX_PAGE, label="页码")


def per_page_param(request, name: str = "per_page", default: int = 50) -> int:
    return int_param(request, name, default, min_value=1, max_value=MAX_PER_PAGE, label="每页条数")


def parse_date(raw: str | None, label: str = "日期", default: dt.date | None = None) -> dt.date | None:
    """A typed date, or ``default`` when empty; unreadable → ParamError naming ``label`` (Chinese: the
    message is shown to users, so never the parameter's English name)."""
    if raw is None or raw.strip() == "":
        return default
    try:
        value = normalize_date(raw)
    except InvalidValue as exc:
        raise ParamError(f"{label}有误：{exc}") from None
    return value or default


def date_param(request, name: str, label: str = "日期", default: dt.date | None = None) -> dt.date | None:
    return parse_date(request.GET.get(name), label, default)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


class RejectControlCharacters:
    """Middleware: a path or query parameter holding NUL or another control character is a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_control(request.path):
            raise ParamError("网址中含有不允许的控制字符")
        for key, values in request.GET.lists():
            if _has_control(key) or any(_has_control(v) for v in values):
                raise ParamError(f"参数 {shown(key)} 中含有不允许的控制字符（如 %00）")
        return self.get_response(request)
