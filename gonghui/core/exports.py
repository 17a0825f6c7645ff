"""Exports of any list page: its current filters and scope, to .xlsx or .csv, streamed to disk.

ID and phone are masked unless the user holds 查看敏感信息 *and* asks for full values (then an
AuditEvent EXPORT_SENSITIVE is written). Text cells that start with = + - @ (or tab / CR) are
prefixed with ' so that no spreadsheet treats them as formulas. Exports above
``EXPORT_SYNC_MAX_ROWS`` go to the background exporter an app registers (``register_background``; the
imports app's export jobs); either way rows are read with ``iterator()`` and written with xlsxwriter's
constant_memory mode, so memory stays flat.

Core names no domain app. Each app declares the columns of its models' exports in ``AppConfig.ready()``
(``register(Member, columns, sensitive=True, related=…)``); a model nobody registered exports its
concrete fields (sealed and hashed ones left out). What an app shows beside the export menu of a list page
(the import buttons) is registered with ``register_list_actions``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string

from . import audit
from .models import AuditEvent

SYNC_MAX_ROWS = getattr(settings, "EXPORT_SYNC_MAX_ROWS", 5000)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Formula injection: a text cell starting with = + - @ is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


Accessor = Callable[[Any, bool], object]  # (a row of the spec's model, full values?) → cell


def fk(name: str) -> Accessor:
    return lambda obj, full: str(getattr(obj, name) or "")


def display(name: str) -> Accessor:
    """The choice label, as ``get_<name>_display()`` gives it, from a table built once per model:
    Django's method rebuilds a hashable copy of every choice on each call, the dearest part of a row
    (about a third of the time of a 1 M-member export)."""
    tables: dict[type, tuple[str, dict[object, str]]] = {}

    def label(obj: Any, full: bool) -> object:
        found = tables.get(type(obj))
        if found is None:
            field = obj._meta.get_field(name)
            found = tables[type(obj)] = (field.attname, {key: str(text) for key, text in field.flatchoices})
        value = getattr(obj, found[0])
        try:
            return found[1].get(value, value)
        except TypeError:  # an unhashable value (no choice field holds one): Django's own way
            return getattr(obj, f"get_{name}_display")()

    return label


def yes(name: str) -> Accessor:
    return lambda obj, full: "是" if getattr(obj, name) else "否"


def attr(name: str) -> Accessor:
    return lambda obj, full: getattr(obj, name)


@dataclass(frozen=True)
class ExportSpec:
    columns: list[tuple[str, Accessor]]  # (header, accessor), in order
    sensitive: bool = False  # masked unless 查看敏感信息 and ?full=1 (then audited)
    related: tuple[str, ...] = ()  # select_related for the accessors
    masked_headers: dict[str, str] = field(default_factory=dict)  # header → its name when masked


_SPECS: dict[str, ExportSpec] = {}
_BACKGROUND: list[Callable] = []
_LIST_ACTIONS: list[Callable] = []


def register(model: type[models.Model], columns: list[tuple[str, Accessor]], **options) -> ExportSpec:
    """Declare a model's export columns (an app's ``AppConfig.ready()``)."""
    spec = _SPECS[model._meta.label_lower] = ExportSpec(columns, **options)
    return spec


def register_background(start: Callable) -> None:
    """``start(request, view, *, title, params, fmt, full)`` → a response (the page that polls the job):
    how an export above SYNC_MAX_ROWS is handed to the background worker."""
    _BACKGROUND[:] = [start]


def register_list_actions(actions: Callable) -> None:
    """``actions(view)`` → ``(template name, context)`` or None: buttons shown beside the export menu
    of a list page (e.g. 下载导入模板 / 批量导入 for a model with an importer)."""
    if actions not in _LIST_ACTIONS:
        _LIST_ACTIONS.append(actions)


def spec_for(model: type[models.Model]) -> ExportSpec:
    label = model._meta.label_lower
    if label in _SPECS:
        return _SPECS[label]
    fields = [
        f for f in model._meta.concrete_fields if not f.name.endswith(("_enc", "_hash")) and f.name != "id"
    ]
    return ExportSpec([(str(f.verbose_name), attr(f.attname)) for f in fields])


def header_for(model: type[models.Model], full: bool) -> list[str]:
    spec = spec_for(model)
    names = [name for name, _ in spec.columns]
    if full or not spec.sensitive:
        return names
    return [spec.masked_headers.get(name, name) for name in names]


def rows_of(queryset: models.QuerySet, full: bool) -> Iterable[list[object]]:
    spec = spec_for(queryset.model)
    if spec.related:
        queryset = queryset.select_related(*spec.related)
    with _server_side_cursor(queryset.db):
        for obj in queryset.iterator(chunk_size=2000):
            yield [escape_cell(accessor(obj, full)) for _, accessor in spec.columns]


@contextlib.contextmanager
def _server_side_cursor(alias: str) -> Iterator[None]:
    """Behind pgbouncer in transaction pooling (DATABASE_POOLER, ``DISABLE_SERVER_SIDE_CURSORS``)
    ``iterator()`` gets a client-side cursor, i.e. the driver fetches the whole result (≈ 1 GB for a million
    members). Inside a transaction the pooler keeps the server connection, so a server-side cursor is safe
    there (Django's advice): the export reads in one transaction with them on for this
    connection only — its own wrapper's settings, never the dict other threads' connections share."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        yield
        return
    shared = connection.settings_dict
    with transaction.atomic(using=alias):
        connection.settings_dict = {**shared, "DISABLE_SERVER_SIDE_CURSORS": False}
        try:
            yield
        finally:
            connection.settings_dict = shared


def write_export(queryset: models.QuerySet, fmt: str, full: bool, out: Path | str) -> int:
    """Stream the queryset into ``out``; returns the number of rows written."""
    header = header_for(queryset.model, full)
    count = 0
    if fmt == "csv":
        # UTF-8 with BOM: Excel on Chinese Windows then opens it without garbling.
        with open(out, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows_of(queryset, full):
                writer.writerow(["" if v is None else _csv_value(v) for v in row])
                count += 1
        return count
    book = xlsxwriter.Workbook(
        str(out), {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet(queryset.model._meta.verbose_name_plural[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.set_column(0, len(header) - 1, 16)
    sheet.write_row(0, 0, header, bold)
    for count, row in enumerate(rows_of(queryset, full), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, c, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(count, c, dt.datetime.combine(value, dt.time()), date_fmt)
            else:
                sheet.write_string(count, c, str(value))
    book.close()
    return count


def _csv_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class TaskRequest:
    """The little of a request a filterset needs, rebuilt in the worker from the stored job."""

    def __init__(self, user, params: str):
        self.user = user
        self.GET = QueryDict(params)
        self.method = "GET"


def export_queryset(view_path: str, user, params: str) -> models.QuerySet:
    """The list view's own filtered, scoped queryset, rebuilt outside the request."""
    view = import_string(view_path)()
    view.request = TaskRequest(user, params)
    view.args, view.kwargs = (), {}
    filterset = view.get_filterset(view.get_filterset_class())
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def view_path(view) -> str:
    """The dotted path ``export_queryset`` rebuilds the view from."""
    return f"{type(view).__module__}.{type(view).__qualname__}"


def list_page_context(view) -> dict:
    """What object_list.html needs for the export menu and the buttons apps put beside it."""
    base = view.export_querystring()
    templates: list[str] = []
    context: dict[str, object] = {
        "export_base": base + "&" if base else "",
        "export_enabled": True,
        "export_sensitive": spec_for(view.model).sensitive,
        "list_action_templates": templates,
    }
    for actions in _LIST_ACTIONS:
        found = actions(view)
        if found is not None:
            template, extra = found
            templates.append(template)
            context.update(extra)
    return context


def export_response(view, request, queryset):
    """Answer ``?export=xlsx|csv[&full=1]`` on a list page."""
    fmt = request.GET["export"]
    full = request.GET.get("full") == "1" and spec_for(view.model).sensitive
    if full and not request.user.can_view_sensitive:
        raise PermissionDenied("您没有「查看敏感信息」权限，不能导出完整身份证号和手机号")
    title = str(view.model._meta.verbose_name_plural)
    params = view.export_querystring()
    large = bool(_BACKGROUND) and queryset.values("pk")[SYNC_MAX_ROWS : SYNC_MAX_ROWS + 1].exists()
    # Every export is audited, masked ones too (names and units are personal data): the full one as
    # 导出敏感信息, any other as 导出数据, each with its filters and how many rows left
    # (the audit log's own export among them: 导出审计日志).
    action = AuditEvent.Action.EXPORT_SENSITIVE if full else AuditEvent.Action.EXPORT
    what = (
        "，含完整身份证号、手机号"
        if full
        else "，身份证号、手机号已脱敏"
        if spec_for(view.model).sensitive
        else ""
    )
    detail = f"导出{title}（{fmt}{what}）；筛选条件：{params or '无'}"
    if large:
        # The row count is known when the worker has written the file; its download is audited too.
        audit.record(request, action, detail=f"{detail}；后台导出")
        return _BACKGROUND[0](request, view, title=title, params=params, fmt=fmt, full=full)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # The response closes (and so deletes) the file after streaming it.
    tmp = tempfile.NamedTemporaryFile(suffix=f".{fmt}")  # noqa: SIM115
    rows = write_export(queryset, fmt, full, tmp.name)
    audit.record(request, action, detail=f"{detail}；共 {rows} 行")
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=f"{title}-{stamp}.{fmt}")
