"""Upload → preview (dry run in the worker) → confirm → import (in the worker) → result; history;
templates; export jobs. Views are thin: the work is in services and the background tasks."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import FormView, TemplateView

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .engine import importer_class
from .filters import ImportJobFilterSet
from .forms import UploadForm
from .jobs import reap_stale_jobs
from .models import FILES_PURGED, ExportJob, ImportJob
from .services import confirm_job, create_job, enqueue_job, retry_job
from .tables import ImportJobTable
from .template import build_template

PREVIEW_ERRORS_SHOWN = 500


class EditorRequired(RoleRequiredMixin):
    required_role = "can_edit"
    permission_denied_message = "您的角色只能查看，不能导入"


class TemplateDownloadView(LoginRequiredMixin, View):
    kind = ""

    def get(self, request):
        response = HttpResponse(
            build_template(self.kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{importer_class(self.kind).title}导入模板.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class UploadView(EditorRequired, FormView):
    kind = ""
    form_class = UploadForm
    template_name = "imports/upload.html"

    def get_form_kwargs(self):
        importer = importer_class(self.kind)
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "option_fields": importer.option_fields(self.request.user),
            "uses_default_union": bool(importer.default_column),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": f"批量导入{importer_class(self.kind).title}",
            "kind": self.kind,
            "template_url": f"imports:template-{self.kind}",
            "max_mb": settings.IMPORT_MAX_BYTES // 1024 // 1024,
        }

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error("file", f"文件超过上限 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB")
            return self.form_invalid(form)
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            job = create_job(
                self.request.user,
                self.kind,
                tmp.name,
                upload.name,
                form.cleaned_data.get("default_union"),
                options=importer_class(self.kind).options_from(form.cleaned_data),
            )
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, stage="等待预检")
        enqueue_job(job)
        return redirect(job.get_absolute_url())


class JobListView(ObjectListView):
    model = ImportJob
    filterset_class = ImportJobFilterSet
    table_class = ImportJobTable
    title = "导入记录"
    extra_actions_template = "imports/_upload_links.html"
    exportable = False

    def get(self, request, *args, **kwargs):
        reap_stale_jobs()  # nobody is shown 导入中 for a job whose process died
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "scope").order_by("-created_at", "-id")


class JobMixin(ScopedMixin):
    model = ImportJob

    def get_job(self, pk) -> ImportJob:
        reap_stale_jobs()
        return get_object_or_404(self.get_queryset().select_related("user", "scope", "default_union"), pk=pk)


class JobDetailView(JobMixin, TemplateView):
    template_name = "imports/job_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job(kwargs["pk"])
        full = job.may_see_full(self.request.user)
        errors = list(job.row_errors.all()[:PREVIEW_ERRORS_SHOWN])
        for error in errors:
            error.shown = error.text(full)
        if full and self.request.user.pk != job.user_id and any(e.message_enc for e in errors):
            audit.record(
                self.request, AuditEvent.Action.REVEAL, job, detail="导入错误明细中的完整身份证号、手机号"
            )
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "title": str(job),
            "errors": errors,
            "errors_total": job.row_errors.count(),
            "errors_shown": PREVIEW_ERRORS_SHOWN,
            "list_url": importer_class(job.kind).list_url,
            "may_see_full": full,
            "report_available": bool(job.report if full else job.report_masked),
            "retention_days": settings.FILE_RETENTION_DAYS,
            "files_purged": FILES_PURGED if job.files_purged_at else "",
            "can_confirm": job.status == ImportJob.Status.PREVIEWED
            and not job.committed
            and bool(job.file)
            and self.request.user.can_edit
            and (job.created + job.updated) > 0,
            "can_retry": not job.retry_refusal() and self.request.user.can_edit,
        }


class JobProgressView(JobMixin, View):
    """Polled by htmx every second while the job runs; once finished the page reloads itself."""

    def get(self, request, pk):
        job = self.get_job(pk)
        response = render(request, "imports/_progress.html", {"job": job})
        if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING, ImportJob.Status.UPLOADED):
            response["HX-Refresh"] = "true"
        return response


class JobConfirmView(JobMixin, EditorRequired, View):
    def post(self, request, pk):
        job = self.get_job(pk)
        try:
            confirm_job(
                job,
                skip_invalid=request.POST.get("skip_invalid") == "1",
                actor=request.user,
                ip=client_ip(request),
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect(job.get_absolute_url())


class JobRetryView(JobMixin, EditorRequired, View):
    """重试: run a failed job again from its stored upload (the preview, or the confirmed import)."""

    def post(self, request, pk):
        job = self.get_job(pk)
        if refusal := job.retry_refusal():
            messages.error(request, refusal)
            return redirect(job.get_absolute_url())
        retry_job(job, user=request.user, ip=client_ip(request))
        enqueue_job(job)
        messages.success(request, "已重新排队导入")
        return redirect(job.get_absolute_url())


def _download(request, obj, field_file, name: str, what: str):
    """Every download of a file with personal data is audited; callers have checked scope and rights."""
    audit.record(request, AuditEvent.Action.DOWNLOAD, obj, detail=what)
    return sealed_response(field_file, name)


class JobReportView(JobMixin, View):
    """The error report: as typed for the importer and 查看敏感信息, masked for everyone else in scope."""

    def get(self, request, pk):
        job = self.get_job(pk)
        full = job.may_see_full(request.user)
        report = job.report if full else job.report_masked
        if not report:
            raise Http404(FILES_PURGED if job.files_purged_at else "该导入没有错误报告")
        name = f"{Path(job.file_name).stem}-错误报告{'' if full else '（脱敏）'}.xlsx"
        what = "错误报告（含完整身份证号、手机号）" if full else "错误报告（身份证号、手机号已脱敏）"
        return _download(request, job, report, name, what)


class JobFileView(JobMixin, View):
    """The uploaded ledger itself: only the importer and 查看敏感信息 holders in scope."""

    def get(self, request, pk):
        job = self.get_job(pk)
        if not job.may_see_full(request.user) or not job.file:
            raise Http404(FILES_PURGED if job.files_purged_at else "没有可下载的原始文件")
        return _download(request, job, job.file, job.file_name, "导入的原始台账（含完整身份证号、手机号）")


class ExportDetailView(ScopedMixin, TemplateView):
    model = ExportJob
    template_name = "imports/export_detail.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(self.get_queryset().filter(user=self.request.user), pk=kwargs["pk"])
        context = {**super().get_context_data(**kwargs), "job": job, "title": str(job)}
        context["retention_days"] = settings.FILE_RETENTION_DAYS
        context["running"] = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.htmx and not context["running"]:
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        return super().render_to_response(context, **kwargs)


class ExportDownloadView(ScopedMixin, View):
    model = ExportJob

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset().filter(user=request.user), pk=pk)
        if job.full and not request.user.can_view_sensitive:
            raise Http404("您已没有「查看敏感信息」权限，不能下载完整导出")
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404(FILES_PURGED if job.files_purged_at else "导出尚未完成")
        what = "含完整身份证号、手机号" if job.full else "身份证号、手机号已脱敏"
        detail = f"导出文件{job.title}（{what}，共 {job.rows} 行，SHA-256 {job.sha256}）"
        return _download(request, job, job.file, Path(job.file.name).name, detail)
