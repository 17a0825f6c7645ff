"""The system administrator's pages (系统管理员, issue 11): settings, reference data, background tasks.

Only ``can_administer_system`` opens them (RoleRequiredMixin: everyone else, the security administrator,
the auditor and the province administrator included, gets a 403 and changes nothing). Every change is a
service of ``core.console`` that writes its audit row in the same transaction. No route takes a path
parameter: the rows edited here (settings, reference tables, tasks) belong to no union's subtree, so they
are named in the query string or the posted form, and the scope sweeps' "404 outside the subtree" rule
does not apply to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from . import audit, console, schedule
from .forms import autocomplete_field
from .models import AuditEvent, Setting
from .net import client_ip
from .params import ParamError, id_param
from .views import RoleRequiredMixin

TASK_ROWS = 100  # the newest background tasks shown
JOB_ROWS = 30  # the newest jobs of each registered source


class SystemAdminMixin(RoleRequiredMixin):
    required_role = "can_administer_system"
    permission_denied_message = "只有系统管理员可以使用系统管理功能"


# ------------------------------------------------------------------------------------------ settings


class OverrideForm(forms.Form):
    """A union's own value of a per-union setting: the union (autocomplete, the administrator's subtree)
    and the value (the setting's bounds)."""

    def __init__(self, *args, user, spec: console.SettingSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["union"] = autocomplete_field("unions", user, label="工会")
        self.fields["value"] = forms.CharField(
            label=spec.label, max_length=20, widget=forms.TextInput(attrs={"class": "form-control"})
        )

    def clean_value(self) -> int:
        return self.spec.validate(self.cleaned_data["value"])


def _security_panel() -> list[tuple[str, str]]:
    """The deployment's security settings as the environment configured them (read-only): what an
    assessor asks for. Never a key, a password or a connection string (Redis: configured or not)."""
    configured = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    validators = {str(v["NAME"]).rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in configured}
    min_length = validators.get("MinimumLengthValidator", {}).get("min_length", 8)
    classes = validators.get("CharacterClassesValidator", {}).get("min_classes")
    history = validators.get("PasswordHistoryValidator", {}).get("count")
    rules = [f"至少 {min_length} 位"]
    if classes:
        rules.append(f"至少包含 {classes} 类字符")
    if "UsernameInPasswordValidator" in validators:
        rules.append("不得包含用户名")
    if "CommonPasswordValidator" in validators:
        rules.append("不得为常见密码")
    if history:
        rules.append(f"不得与最近 {history} 次密码相同")
    max_age = settings.GONGHUI_PASSWORD_MAX_AGE_DAYS
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if isinstance(cooloff, dt.timedelta) else cooloff
    proxies = settings.GONGHUI_TRUSTED_PROXIES
    https = getattr(settings, "HTTPS", False)
    hsts = settings.SECURE_HSTS_SECONDS
    return [
        (
            "登录失败锁定",
            f"{minutes} 分钟内连续失败 {settings.AXES_FAILURE_LIMIT} 次即锁定 {minutes} 分钟（按账号、按来源地址分别计）",
        ),
        ("密码规则", "；".join(rules)),
        ("密码有效期", f"{max_age} 天，到期须修改" if max_age else "不过期"),
        ("会话空闲超时", f"{settings.GONGHUI_SESSION_IDLE_MINUTES} 分钟"),
        ("会话最长时间", f"{settings.GONGHUI_SESSION_MAX_HOURS} 小时（无论是否操作）"),
        ("接口令牌有效期", f"{settings.GONGHUI_API_TOKEN_DAYS} 天"),
        ("审计日志保留", f"{settings.AUDIT_RETENTION_DAYS} 天，更早的记录归档为签名文件"),
        ("上传与导出文件保留", f"{settings.FILE_RETENTION_DAYS} 天"),
        (
            "加密传输",
            ("已开启：跳转到加密连接，安全 Cookie" + (f"，严格传输安全 {hsts // 86400} 天" if hsts else ""))
            if https
            else "未开启（应由前置代理提供加密连接，或开启此项）",
        ),
        (
            "可信代理",
            "、".join(proxies) + "（仅信任其转发的客户端地址）"
            if proxies
            else "未配置：忽略转发头，以直接连接的地址为客户端地址",
        ),
        ("后台管理界面", "已开启（仅系统管理员，只读）" if settings.GONGHUI_ADMIN_ENABLED else "已关闭"),
        ("调试模式", "已开启（仅限演示，生产环境必须关闭）" if settings.DEBUG else "已关闭"),
        ("共享缓存", "已配置" if settings.REDIS_URL else "未配置（各进程独立缓存，限流计数在数据库中）"),
    ]


class SettingsView(SystemAdminMixin, TemplateView):
    """系统设置: every registered setting with its value, a form to change it, per-union values; and the
    deployment's security settings, read-only."""

    template_name = "core/console/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user_model = get_user_model()
        node_model = user_model._meta.get_field(user_model.SCOPE_FIELD).related_model
        assert node_model is not None and not isinstance(node_model, str)
        rows = []
        for spec in console.setting_specs():
            own = list(console.overrides(spec))
            unions = node_model._default_manager.in_bulk([console.override_union_pk(spec, r) for r in own])
            rows.append(
                {
                    "spec": spec,
                    "value": Setting.get(spec.key),
                    "overrides": [
                        (r, unions.get(console.override_union_pk(spec, r)) or "（已删除的工会）") for r in own
                    ],
                    "override_form": (self.override_forms or {}).get(spec.key)
                    or (OverrideForm(user=self.request.user, spec=spec) if spec.per_union else None),
                }
            )
        context.update(title="系统设置", rows=rows, security=_security_panel())
        return context

    override_forms: dict | None = None

    def post(self, request: HttpRequest) -> HttpResponse:
        spec = console.setting_spec(request.POST.get("key", ""))
        if spec is None:
            raise Http404("没有这个设置项")
        action = request.POST.get("action", "")
        ip = client_ip(request)
        try:
            if action == "set":
                old, new = console.change_setting(spec, request.POST.get("value"), actor=request.user, ip=ip)
                messages.success(
                    request, f"已将「{spec.label}」由{spec.describe(old)}改为 {spec.describe(new)}"
                )
            elif action == "reset":
                console.reset_setting(spec, spec.key, actor=request.user, ip=ip)
                messages.success(request, f"「{spec.label}」已恢复默认值 {spec.default}{spec.unit}")
            elif action == "override":
                form = OverrideForm(request.POST, user=request.user, spec=spec)
                if not form.is_valid():
                    self.override_forms = {spec.key: form}
                    messages.error(
                        request, "未保存：" + "；".join(str(e) for es in form.errors.values() for e in es)
                    )
                    return self.render_to_response(self.get_context_data(), status=400)
                union = form.cleaned_data["union"]
                console.change_setting(
                    spec, form.cleaned_data["value"], actor=request.user, ip=ip, union=union
                )
                messages.success(request, f"已设置「{union}」的{spec.label}")
            elif action == "drop":
                key = request.POST.get("target", "")
                console.reset_setting(spec, key, actor=request.user, ip=ip, where="（该工会）")
                messages.success(request, f"已删除该工会的「{spec.label}」，改用上级或全局设置")
            else:
                raise ParamError("未知的操作")
        except console.SettingError as exc:
            messages.error(request, f"未保存：{exc}")
            return self.render_to_response(self.get_context_data(), status=400)
        return redirect("core:system-settings")


# ------------------------------------------------------------------------------------ reference data


class ReferenceView(SystemAdminMixin, TemplateView):
    """参考数据: each registered reference table, with its rows and edit links."""

    template_name = "core/console/reference.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = []
        for spec in console.reference_specs():
            rows = [
                (obj.pk, [cell(obj) for _h, cell in spec.columns])
                for obj in spec.model._default_manager.all()
            ]
            tables.append({"spec": spec, "rows": rows})
        context.update(title="参考数据", tables=tables)
        return context


def _reference_spec(request: HttpRequest) -> console.ReferenceSpec:
    spec = console.reference_spec(request.GET.get("kind", ""))
    if spec is None:
        raise Http404("没有这类参考数据")
    return spec


class ReferenceEditView(SystemAdminMixin, TemplateView):
    """Add (no ``pk``) or edit one reference row: ?kind=<slug>&pk=<id>."""

    template_name = "core/console/reference_edit.html"

    def setup_row(self, request: HttpRequest):
        self.spec = _reference_spec(request)
        pk = id_param(request, "pk")
        if pk is None:
            if not self.spec.can_add:
                raise PermissionDenied(f"{self.spec.label}不能在此新增")
            return None
        obj = self.spec.model._default_manager.filter(pk=pk).first()
        if obj is None:
            raise Http404(f"没有这条{self.spec.label}")
        return obj

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.setup_row(request)
        return self.render_to_response(
            self.get_context_data(form=self.spec.form_class(instance=self.object, user=request.user))
        )

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.setup_row(request)
        form = self.spec.form_class(request.POST, instance=self.object, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        obj = console.save_reference(form, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已保存{self.spec.label}「{obj}」")
        return redirect(reverse("core:system-reference") + f"#{self.spec.slug}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"编辑{self.spec.label}" if self.object else f"新增{self.spec.label}",
            object=self.object,
            cancel_url=reverse("core:system-reference"),
            note=self.spec.note,
        )
        return context


# ---------------------------------------------------------------------------------- background tasks

TASK_STATUS = {"READY": "等待运行", "RUNNING": "运行中", "FAILED": "失败", "SUCCESSFUL": "成功"}
# The error class of a failed task, in words (the class name is shown beside it for the developer).
ERROR_KINDS = [
    (("OperationalError", "InterfaceError", "DatabaseError", "IntegrityError"), "数据库错误"),
    (("TimeoutError", "Timeout"), "超时"),
    (("MemoryError",), "内存不足"),
    (("PermissionDenied", "PermissionError"), "权限不足"),
    (("FileNotFoundError", "OSError", "IOError"), "文件读写错误"),
    (("ValueError", "TypeError", "KeyError", "ValidationError"), "数据错误"),
]


def error_kind(class_path: str) -> str:
    name = class_path.rsplit(".", 1)[-1]
    if not name:
        return ""
    for names, label in ERROR_KINDS:
        if name in names:
            return label
    return "程序异常"


def _task_rows() -> list[dict]:
    """The newest background tasks: what ran, when, how often tried, how it ended — never the arguments
    or the return value (``args_kwargs`` and ``return_value`` may hold personal data: not even read)."""
    from django_tasks_db.models import DBTaskResult

    fields = ["id", "task_path", "status", "enqueued_at", "started_at", "finished_at", "run_after"]
    rows = DBTaskResult.objects.order_by("-enqueued_at").only(*fields, "worker_ids", "exception_class_path")
    result = []
    for row in rows[:TASK_ROWS]:
        result.append(
            {
                "label": console.task_label(row.task_path),
                "status": TASK_STATUS.get(row.status, row.status),
                "status_key": row.status,
                "enqueued_at": row.enqueued_at,
                "run_after": row.run_after if row.run_after and row.run_after.year < 9999 else None,
                "started_at": row.started_at,
                "finished_at": row.finished_at,
                "attempts": len(row.worker_ids or []),
                "error_kind": error_kind(row.exception_class_path or ""),
                "error_class": (row.exception_class_path or "").rsplit(".", 1)[-1],
            }
        )
    return result


def _schedule_rows() -> list[dict]:
    from django_tasks_db.models import DBTaskResult

    rows = []
    for path, when in schedule.registered().items():
        pending = (
            DBTaskResult.objects.filter(task_path=path, status="READY")
            .order_by("run_after")
            .only("run_after")
            .first()
        )
        planned = pending.run_after if pending is not None and pending.run_after.year < 9999 else None
        rows.append(
            {
                "path": path,
                "label": console.task_label(path),
                "when": schedule.describe(when),
                "next_run": planned,
                "next_run_computed": schedule.next_run(when) if planned is None else None,
            }
        )
    return sorted(rows, key=lambda r: r["label"])


def run_periodic_now(path: str, *, actor, ip: str | None = None) -> str:
    """Enqueue one run of a registered periodic task now (the worker picks it up; its chain of later
    runs is left as it is); audited."""
    task = schedule.task_for(path)
    if task is None:
        raise ParamError("没有这个定时任务")
    label = console.task_label(path)
    with transaction.atomic():
        audit.log(AuditEvent.Action.OTHER, None, actor=actor, ip=ip, detail=f"立即运行定时任务「{label}」")
        transaction.on_commit(task.enqueue)
    return f"已安排立即运行「{label}」"


class JobsView(SystemAdminMixin, TemplateView):
    """后台任务: the task queue, the periodic schedule, the apps' jobs (metadata only), and the actions."""

    template_name = "core/console/jobs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources = [
            {"source": s, "rows": s.rows(JOB_ROWS), "action_prefix": f"{s.slug}:"}
            for s in console.job_sources()
        ]
        context.update(
            title="后台任务",
            tasks=_task_rows(),
            periodic=_schedule_rows(),
            sources=sources,
            now=timezone.now(),
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        ip = client_ip(request)
        if action == "run":
            message = run_periodic_now(request.POST.get("task", ""), actor=request.user, ip=ip)
        else:
            job_action = console.job_action(action)
            if job_action is None:
                raise ParamError("未知的操作")
            message = job_action.run(actor=request.user, ip=ip)
        messages.success(request, message)
        return redirect("core:system-jobs")
