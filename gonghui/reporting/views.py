"""Pages of periodic reports: the node's calendar, a federation's matrix (sub-units × periods), the report
list, a report with its form, figures (对账), timeline and the steps the user may take, the report
types, and the bulletin's review and sign-off. Thin: services act, calendar computes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.params import ParamError, id_param
from gonghui.core.replica import ReplicaReadMixin
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectActionView, ObjectDetailView, ObjectListView
from gonghui.orgs.models import UnionOrg

from . import annual_export, bulletins, calendar, figures, links, reminders, services
from .filters import ReportFilterSet
from .models import BulletinRelease, Report, ReportStatus, ReportType
from .periods import PeriodKind
from .submitters import submitters_label
from .tables import ReportTable
from .types import ensure_report_types


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500, widget=forms.TextInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=500, error_messages={"required": "请说明原因"}, widget=forms.TextInput
    )


class OpenForm(forms.Form):
    report_type = forms.ModelChoiceField(queryset=ReportType.objects.filter(is_active=True), label="报告类型")
    period_start = forms.DateField(label="周期开始")


def _year(request) -> int:
    raw = request.GET.get("year")
    if raw in (None, ""):
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        raise ParamError("年度应为四位数字") from None
    if not 2000 <= year <= 2100:
        raise ParamError("年度应在 2000 至 2100 之间")
    return year


def _node(request) -> UnionOrg:
    """The node asked for (``?node=``, inside the user's subtree: 404 outside), else the user's own."""
    node_id = id_param(request, "node", "组织编号")
    if node_id:
        return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=node_id)
    node = home_node(request.user)
    if node is None:
        raise Http404("没有组织")
    return node


OVERDUE_SHOWN = 20


class CalendarView(LoginRequiredMixin, View):
    """报送日历: the node's own reports of a year by due date, the reports of its sub-units waiting for
    its approval, the overdue list of its subtree, and the matrices it can open."""

    def get(self, request):
        ensure_report_types()
        node = _node(request)
        year = _year(request)
        own = home_node(request.user)
        entries = calendar.node_calendar(node, year)
        waiting = (
            Report.objects.visible_to(request.user)
            .filter(node__parent=node, status=ReportStatus.SUBMITTED)
            .select_related("report_type", "node")
            .order_by("due_date")
        )
        overdue = [p for p in reminders.pending(root=node, overdue_only=True) if p.unit_id != node.pk]
        may_open = bool(request.user.can_edit) and own is not None and own.pk == node.pk
        return render(
            request,
            "reporting/calendar.html",
            {
                "title": f"{node.name} · {year}年报送日历",
                "node": node,
                "year": year,
                "years": [year - 1, year + 1],
                "entries": entries,
                "waiting": waiting,
                # The first few; the rest in the report list (a city's subtree has thousands).
                "overdue": overdue[:OVERDUE_SHOWN],
                "overdue_total": len(overdue),
                "overdue_more": max(len(overdue) - OVERDUE_SHOWN, 0),
                "overdue_unopened": sum(1 for p in overdue if p.report_id is None),
                "overdue_url": f"{reverse('reporting:report-list')}?node={node.pk}&overdue=true",
                "matrix_types": calendar.types_with_subunits(node),
                "may_open": may_open,
            },
        )


class MatrixView(ReplicaReadMixin, LoginRequiredMixin, View):
    """报送情况: sub-units × periods of one type, coloured by state; a cell opens the report (or the
    unit's calendar when there is none)."""

    def get(self, request):
        ensure_report_types()
        node = _node(request)
        year = _year(request)
        type_id = id_param(request, "type", "报告类型编号")
        types = calendar.types_with_subunits(node)
        if type_id:
            rtype = get_object_or_404(ReportType.objects.filter(is_active=True), pk=type_id)
        elif types:
            rtype = types[0]
        else:
            raise Http404("本单位没有下级报送单位")
        data = calendar.matrix(node, rtype, year)
        return render(
            request,
            "reporting/matrix.html",
            {
                "title": f"{node.name} · {year}年{rtype.name}报送情况",
                "node": node,
                "year": year,
                "rtype": rtype,
                "types": types,
                "matrix": data,
                "legend": [(calendar.STATE_CLASSES[k], v) for k, v in calendar.STATE_LABELS.items()],
                "totals": [(calendar.STATE_LABELS[k], n) for k, n in data.totals.items() if n],
            },
        )


class ReportTypeListView(LoginRequiredMixin, View):
    """报告类型: the report types as data (reference data, the same for every node)."""

    def get(self, request):
        if home_node(request.user) is None:
            raise PermissionDenied("您的账号未关联工会组织")
        ensure_report_types()
        from . import figures

        rows = []
        for rtype in ReportType.objects.all():
            rows.append(
                {
                    "type": rtype,
                    "period": PeriodKind(rtype.period_kind).label,
                    "submitters": submitters_label(rtype),
                    "sections": "、".join(f"{s['title']}（{s['max_length']}字）" for s in rtype.sections),
                    "figures": "、".join(
                        (f.get("label") or figures.label(f["code"]))
                        + ("（可调整）" if f.get("editable") else "")
                        for f in rtype.figures
                    ),
                }
            )
        return render(request, "reporting/types.html", {"title": "报告类型", "rows": rows})


class ReportListView(ObjectListView):
    model = Report
    filterset_class = ReportFilterSet
    table_class = ReportTable
    title = "定期报告"
    subtitle = "本单位和下级单位的报告；由本单位审核的报告在其中"

    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("report_type", "node").order_by("-period_start", "pk")
        )


# A record behind a failed 年报 check → the page where the user sees it.
RECORD_PAGES = {"工会": "orgs:union-detail", "下级单位": "orgs:union-detail", "单位": "orgs:workplace-detail"}
FAILURES_LISTED = 50  # the page lists this many failures; the .xlsx export has them all


def _annual_context(report: Report, may_explain: bool) -> dict:
    """The 年报 section of a report's page: its six tables, its checks with the records behind each
    failure linked to their pages, and whether the user may file 核查说明."""
    result = links.annual_of(report)
    failures = []
    for failure in result.failures[:FAILURES_LISTED]:
        records = [
            {
                "label": f"{r.kind}「{r.name}」",
                "url": reverse(RECORD_PAGES[r.kind], args=[r.id]) if r.id and r.kind in RECORD_PAGES else "",
            }
            for r in failure.records
        ]
        failures.append({"failure": failure, "records": records})
    tables = [
        {
            "table": t,
            "wide": len(t.columns) > 4,
            # The label column as wide as its longest label (CJK: one em a character), the rest shared.
            "label_em": max(len(r.label) for r in t.rows) + 2,
            "rows": [
                {"label": r.label, "is_total": r.is_total, "cells": [r.values[c] for c, _ in t.columns]}
                for r in t.rows
            ],
        }
        for t in result.tables.tables
    ]
    return {
        "annual": result,
        "annual_tables": tables,
        "annual_failures": failures,
        "annual_more": max(len(result.failures) - FAILURES_LISTED, 0),
        "may_explain": may_explain and not result.frozen,
        "explanation_max": services.EXPLANATION_MAX,
        "annual_formats": [(fmt, label) for fmt, (label, _type, _fn) in ANNUAL_FORMATS.items()],
    }


class ReportDetailView(ObjectDetailView):
    model = Report
    template_name = "reporting/report_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("report_type", "node__parent", "approved_by")

    def get_context_data(self, **kwargs):
        # The 年报's figures and its tables from one computation of the subtree.
        with figures.shared_memo():
            return self._context(**kwargs)

    def _context(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        labels = dict(ReportStatus.choices)
        events = list(report.events.select_related("actor"))
        for event in events:
            event.from_label = labels.get(event.from_status, "")
            event.to_label = labels.get(event.to_status, "")
        rtype = report.report_type
        sections = [{**spec, "text": report.sections.get(spec["code"], "")} for spec in rtype.sections]
        rows = services.figure_rows(report)
        fill = services.may_fill(user, report)
        if rtype.code == links.ANNUAL_TYPE:
            context.update(_annual_context(report, fill and report.editable))
        approve = services.may_approve(user, report)
        context.update(
            events=events,
            sections=sections,
            rows=rows,
            drift=bool(report.frozen) and any(r.drift for r in rows),
            editing=fill and report.editable,
            can_submit=fill and report.editable,
            can_review=approve and report.status == ReportStatus.SUBMITTED,
            can_unlock=approve and report.locked,
            can_accept=services.may_accept(user, report) and report.status == ReportStatus.APPROVED,
            waiting=services.unapproved_children(report) if approve else [],
            today=timezone.localdate(),
        )
        return context


class ReportActionView(ObjectActionView):
    """POST one step on a report the user sees; the service decides whether the user may take it (403)
    and whether the report's state allows it (the reason shown on the report's page)."""

    model = Report
    form_class: type[forms.Form] = NoteForm


class SaveView(ReportActionView):
    form_class = forms.Form
    done = "已保存"

    def act(self, report, data, request):
        post = request.POST
        sections = {s["code"]: post.get(f"section_{s['code']}", "") for s in report.report_type.sections}
        adjustments = {
            f["code"]: {
                "value": post.get(f"figure_{f['code']}", ""),
                "explanation": post.get(f"explain_{f['code']}", ""),
            }
            for f in report.report_type.figures
            if f"figure_{f['code']}" in post
        }
        services.save_draft(
            report, actor=request.user, sections=sections, adjustments=adjustments, ip=client_ip(request)
        )


class ExplanationForm(forms.Form):
    key = forms.CharField(max_length=200, error_messages={"required": "缺少要说明的问题"})
    # The length is the service's to refuse (its message names the limit and the length given).
    text = forms.CharField(label="核查说明", required=False, widget=forms.Textarea)


class ExplainView(ReportActionView):
    """核查说明: file, edit or (empty text) withdraw the explanation of one explainable check failure."""

    form_class = ExplanationForm
    done = "核查说明已保存"

    def act(self, report, data, request):
        services.save_explanation(
            report, actor=request.user, key=data["key"], text=data["text"], ip=client_ip(request)
        )
        if not data["text"].strip():
            self.done = "核查说明已撤回"


ANNUAL_FORMATS = {
    "xlsx": (
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        annual_export.to_xlsx,
    ),
    "docx": (
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        annual_export.to_docx,
    ),
    "pdf": ("PDF", "application/pdf", annual_export.to_pdf),
}


class AnnualExportView(ReplicaReadMixin, LoginRequiredMixin, View):
    """The 年报 of a report the user sees, as .xlsx / .docx / .pdf: the tables and checks shown on its
    page (as approved once approved). 404 outside the user's subtree, for another report type or format."""

    model = Report

    def get(self, request, pk, fmt):
        if fmt not in ANNUAL_FORMATS:
            raise Http404("不支持的格式")
        report = get_object_or_404(
            Report.objects.visible_to(request.user).select_related("report_type", "node"),
            pk=pk,
            report_type__code=links.ANNUAL_TYPE,
        )
        result = links.annual_of(report)
        _label, content_type, render_fn = ANNUAL_FORMATS[fmt]
        response = HttpResponse(render_fn(result.tables, result.failures), content_type=content_type)
        title = annual_export.title_of(result.tables)
        # Per-unit figures, no person: 下载报表, as the bulletin and the evaluation exports.
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD_REPORT,
            report,
            detail=f"下载年报「{title}」（{fmt.upper()}，{report.get_status_display()}，"
            f"截至 {report.period_end:%Y-%m-%d}）",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{title}.{fmt}")
        return response


class SubmitView(ReportActionView):
    done = "已提交，等待上级工会审核"

    def act(self, report, data, request):
        services.submit(report, actor=request.user, note=data["note"], ip=client_ip(request))


class ReturnView(ReportActionView):
    form_class = ReasonForm
    done = "已退回报送单位"

    def act(self, report, data, request):
        services.return_report(report, actor=request.user, reason=data["reason"], ip=client_ip(request))


class ApproveView(ReportActionView):
    done = "已审核通过，报告已锁定"

    def act(self, report, data, request):
        services.approve(report, actor=request.user, note=data["note"], ip=client_ip(request))


class AcceptView(ReportActionView):
    done = "已接收"

    def act(self, report, data, request):
        services.accept(report, actor=request.user, note=data["note"], ip=client_ip(request))


class UnlockView(ReportActionView):
    form_class = ReasonForm
    done = "已解锁，报告退回报送单位"

    def act(self, report, data, request):
        services.unlock(report, actor=request.user, reason=data["reason"], ip=client_ip(request))


class OpenView(LoginRequiredMixin, View):
    """填报: the user's own node's report of a period (created as a draft when there is none)."""

    def post(self, request):
        node = home_node(request.user)
        if node is None:
            raise PermissionDenied("您的账号未关联工会组织")
        form = OpenForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("reporting:calendar")
        try:
            report = services.open_report(
                form.cleaned_data["report_type"],
                node,
                form.cleaned_data["period_start"],
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("reporting:calendar")
        return redirect(report.get_absolute_url())


class BulletinActionView(ObjectActionView):
    """审核 / 签发 a bulletin: its plan's issuer's administrators (the service checks)."""

    model = BulletinRelease


class BulletinReviewView(BulletinActionView):
    done = "通报已审核，待签发"

    def act(self, release, data, request):
        bulletins.review(
            release, actor=request.user, note=request.POST.get("note", ""), ip=client_ip(request)
        )


class BulletinSignView(BulletinActionView):
    done = "通报已签发，排名单位现在可以查看"

    def act(self, release, data, request):
        bulletins.sign_off(
            release, actor=request.user, note=request.POST.get("note", ""), ip=client_ip(request)
        )
