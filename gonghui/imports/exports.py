"""Exports of any list page: its current filters and scope, to .xlsx or .csv, streamed to disk.

ID and phone are masked unless the user holds 查看敏感信息 *and* asks for full values (then an
AuditEvent EXPORT_SENSITIVE is written). Text cells that start with = + - @ (or tab / CR) are
prefixed with ' so that no spreadsheet treats them as formulas. Exports above
``EXPORT_SYNC_MAX_ROWS`` run as a background task; either way rows are read with ``iterator()``
and written with xlsxwriter's constant_memory mode, so memory stays flat.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db import models
from django.http import QueryDict

SYNC_MAX_ROWS = getattr(settings, "EXPORT_SYNC_MAX_ROWS", 5000)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Formula injection: a text cell starting with = + - @ is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


Accessor = Callable[[Any, bool], object]  # (a row of the spec's model, full values?) → cell


def _fk(name: str) -> Accessor:
    return lambda obj, full: str(getattr(obj, name) or "")


def _display(name: str) -> Accessor:
    return lambda obj, full: getattr(obj, f"get_{name}_display")()


def _yes(name: str) -> Accessor:
    return lambda obj, full: "是" if getattr(obj, name) else "否"


def _attr(name: str) -> Accessor:
    return lambda obj, full: getattr(obj, name)


# Column names follow the import templates, so an export can be edited and imported again.
SPECS: dict[str, list[tuple[str, Accessor]]] = {
    "members.member": [
        ("姓名", _attr("name")),
        ("身份证号", lambda m, full: m.id_number if full else m.id_masked),
        ("性别", _display("sex")),
        # The masked ID hides exactly the birth date: without full values only the year is given, or
        # the ID could be rebuilt from the two (the check digit leaves ~1 in 11 guesses).
        ("出生日期", lambda m, full: m.birth_date if full else m.birth_date.year),
        ("手机号", lambda m, full: m.phone if full else m.phone_masked),
        ("所在工会", _fk("union")),
        ("工作单位", _fk("workplace")),
        ("入会日期", _attr("join_date")),
        ("会籍状态", _display("status")),
        ("就业状态", _display("employment_status")),
        ("是否农民工", _yes("is_migrant_worker")),
        ("新就业形态群体", _fk("new_form_group")),
    ],
    "orgs.workplace": [
        ("单位名称", _attr("name")),
        ("统一社会信用代码", lambda w, full: w.uscc or ""),
        ("单位性质", _display("ownership")),
        ("所属行业", _display("industry")),
        ("职工人数", _attr("employee_count")),
        ("所在地区", lambda w, full: w.region.code),
        ("属地工会", _fk("governing_union")),
        ("地址", _attr("address")),
        ("法人单位", _yes("is_legal_entity")),
        ("规模以上企业", _yes("is_above_scale")),
        ("已建立职代会制度", _yes("has_workers_congress")),
        ("已实行厂务公开", _yes("has_open_affairs")),
        ("已设职工董事", _yes("has_employee_director")),
        ("已设职工监事", _yes("has_employee_supervisor")),
    ],
    "orgs.unionorg": [
        ("工会名称", _attr("name")),
        ("组织类型", _display("kind")),
        ("上级工会", _fk("parent")),
        ("所在地区", lambda u, full: u.region.code),
        ("统一社会信用代码", lambda u, full: u.uscc or ""),
        ("成立日期", _attr("founded_on")),
        ("工会主席", _attr("chair_name")),
        ("本届任期开始", _attr("term_start")),
        ("任期（年）", lambda u, full: u.term_years or ""),
        ("应换届日期", _attr("election_due")),
        ("已建经费审查委员会", _yes("has_audit_committee")),
        ("已建女职工委员会", _yes("has_women_committee")),
        ("状态", _display("status")),
    ],
}
SENSITIVE_MODELS = {"members.member"}
# Columns named differently when the values are masked (the name says what the cell holds).
MASKED_HEADERS = {"出生日期": "出生年份"}
RELATED = {
    "members.member": ("union", "workplace", "new_form_group"),
    "orgs.workplace": ("region", "governing_union"),
    "orgs.unionorg": ("region", "parent"),
}


def spec_for(model: type[models.Model]) -> list[tuple[str, Accessor]]:
    label = model._meta.label_lower
    if label in SPECS:
        return SPECS[label]
    fields = [
        f for f in model._meta.concrete_fields if not f.name.endswith(("_enc", "_hash")) and f.name != "id"
    ]
    return [(str(f.verbose_name), _attr(f.attname)) for f in fields]


def header_for(model: type[models.Model], full: bool) -> list[str]:
    names = [name for name, _ in spec_for(model)]
    if full or model._meta.label_lower not in SENSITIVE_MODELS:
        return names
    return [MASKED_HEADERS.get(name, name) for name in names]


def rows_of(queryset: models.QuerySet, full: bool) -> Iterable[list[object]]:
    model = queryset.model
    spec = spec_for(model)
    related = RELATED.get(model._meta.label_lower, ())
    if related:
        queryset = queryset.select_related(*related)
    for obj in queryset.iterator(chunk_size=2000):
        yield [escape_cell(accessor(obj, full)) for _, accessor in spec]


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
    from django.utils.module_loading import import_string

    view = import_string(view_path)()
    view.request = TaskRequest(user, params)
    view.args, view.kwargs = (), {}
    filterset = view.get_filterset(view.get_filterset_class())
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


IMPORT_KINDS = {"members.member": "members", "orgs.workplace": "workplaces", "orgs.unionorg": "unions"}


def list_page_context(view) -> dict:
    """What object_list.html needs for the export menu and the import buttons."""
    label = view.model._meta.label_lower
    base = view.export_querystring()
    context = {
        "export_base": base + "&" if base else "",
        "export_enabled": True,
        "export_sensitive": label in SENSITIVE_MODELS,
        "import_kind": IMPORT_KINDS.get(label, ""),
    }
    if context["import_kind"]:
        context["import_template_url"] = f"imports:template-{context['import_kind']}"
        context["import_upload_url"] = f"imports:upload-{context['import_kind']}"
    return context


def export_response(view, request, queryset):
    """Answer ``?export=xlsx|csv[&full=1]`` on a list page."""
    import tempfile

    from django.core.exceptions import PermissionDenied
    from django.http import FileResponse
    from django.shortcuts import redirect
    from django.utils import timezone

    from gonghui.core import audit
    from gonghui.core.models import AuditEvent
    from gonghui.core.scope import home_node

    from .models import ExportJob
    from .tasks import run_export

    fmt = request.GET["export"]
    label = view.model._meta.label_lower
    full = request.GET.get("full") == "1" and label in SENSITIVE_MODELS
    if full and not request.user.can_view_sensitive:
        raise PermissionDenied("您没有「查看敏感信息」权限，不能导出完整身份证号和手机号")
    title = str(view.model._meta.verbose_name_plural)
    params = view.export_querystring()
    large = queryset.values("pk")[SYNC_MAX_ROWS : SYNC_MAX_ROWS + 1].exists()
    if full:
        audit.record(
            request,
            AuditEvent.Action.EXPORT_SENSITIVE,
            detail=f"导出{title}（{fmt}，含完整身份证号、手机号）；筛选条件：{params or '无'}"
            + ("；后台导出" if large else ""),
        )
    if large:
        scope = home_node(request.user)
        if scope is None:
            raise PermissionDenied("您的账号未分配所属工会，不能导出")
        job = ExportJob.objects.create(
            user=request.user,
            scope=scope,
            title=title,
            view_path=f"{type(view).__module__}.{type(view).__qualname__}",
            params=params,
            fmt=fmt,
            full=full,
        )
        run_export.enqueue(job.pk)
        return redirect(job.get_absolute_url())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # The response closes (and so deletes) the file after streaming it.
    tmp = tempfile.NamedTemporaryFile(suffix=f".{fmt}")  # noqa: SIM115
    write_export(queryset, fmt, full, tmp.name)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=f"{title}-{stamp}.{fmt}")
