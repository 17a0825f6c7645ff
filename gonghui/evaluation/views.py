"""Pages of the annual evaluation: score sheets and their items, an evaluation's matrix (units × items,
totals, rank, 一票否决), a unit's scores with their sources, the scoring steps, the scoped and audited
evidence download, the .xlsx/.docx files. Thin: forms validate, services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views import View

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import exports, services, sources
from .filters import EvaluationFilterSet, ScoreSheetFilterSet
from .forms import NoteForm, ReasonForm, ScoreForm, SheetForm, SheetItemForm, VetoForm
from .models import Evaluation, Score, ScoreSheet, SheetItem, UnitResult
from .tables import EvaluationTable, ScoreSheetTable


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# ---------------------------------------------------------------------- sheets
class SheetListView(ObjectListView):
    model = ScoreSheet
    table_class = ScoreSheetTable
    filterset_class = ScoreSheetFilterSet
    title = "考核评分表"
    subtitle = "本单位和下级单位的年度考核评分表：计分项（自动取数或人工评分）和一票否决项"
    add_url_name = "evaluation:sheet-add"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("issuer").annotate(item_count=Count("items"))


class SheetDetailView(ObjectDetailView):
    model = ScoreSheet
    template_name = "evaluation/sheet_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet, user = self.object, self.request.user
        items = list(sheet.items.all())
        for item in items:
            item.source_label = sources.label(item.source_code) if item.is_automatic else "人工评分"
        evaluation = Evaluation.objects.visible_to(user).filter(sheet=sheet).first()
        may = services.may_evaluate(user, sheet.issuer_id)
        context.update(
            items=items,
            full_marks=sheet.full_marks(),
            evaluation=evaluation,
            can_edit_sheet=may and not sheet.evaluations.exists(),
            can_start=may and not sheet.evaluations.exists() and bool(items),
        )
        return context


class SheetEditView(ObjectEditView):
    model = ScoreSheet
    form_class = SheetForm

    def get_queryset(self):
        # A sheet is changed by its issuer's administrators only.
        node = home_node(self.request.user)
        return super().get_queryset().filter(issuer=node) if node else ScoreSheet.objects.none()


class ItemEditView(ObjectEditView):
    """An item of a sheet: added under the sheet (``sheet_pk``), edited by its own pk."""

    model = SheetItem
    form_class = SheetItemForm

    def get_queryset(self):
        node = home_node(self.request.user)
        qs = super().get_queryset()
        return qs.filter(sheet__issuer=node) if node and self.request.user.can_edit else qs.none()

    def get_sheet(self) -> ScoreSheet:
        if self.object is not None:
            return self.object.sheet
        sheet = get_object_or_404(
            ScoreSheet.objects.visible_to(self.request.user), pk=self.kwargs["sheet_pk"]
        )
        if not services.may_evaluate(self.request.user, sheet.issuer_id):
            raise PermissionDenied("只有评价单位可以修改评分表")
        return sheet

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["sheet"] = self.get_sheet()
        return kwargs


class ItemAddView(ItemEditView):
    """The sweep's object for ``sheets/<sheet_pk>/items/add/`` is the sheet."""

    model = SheetItem


# ---------------------------------------------------------------------- evaluations
class EvaluationListView(ObjectListView):
    model = Evaluation
    table_class = EvaluationTable
    filterset_class = EvaluationFilterSet
    title = "年度考核评价"
    subtitle = "本单位开展的考核评价；上级单位已定稿的考核评价中本单位的结果"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("issuer")


class EvaluationDetailView(ObjectDetailView):
    """The matrix: the rows the user sees (all for the issuer, its own for a unit), items as columns."""

    model = Evaluation
    template_name = "evaluation/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation, user = self.object, self.request.user
        results = UnitResult.objects.visible_to(user).filter(evaluation=evaluation)
        items, rows = exports.matrix(evaluation, results)
        for row in rows:
            row["cells"] = [row["scores"].get(item.pk) for item in items]
        may = services.may_evaluate(user, evaluation.issuer_id)
        events = list(evaluation.events.select_related("actor")) if may or user.is_superuser else []
        context.update(
            items=items,
            rows=rows,
            full_marks=evaluation.sheet.full_marks(),
            is_issuer=may,
            missing=services.missing_manual(evaluation) if may else 0,
            events=events,
            note_form=NoteForm() if may and not evaluation.is_final else None,
            reopen_form=ReasonForm() if may and evaluation.is_final else None,
        )
        return context


class ResultDetailView(ObjectDetailView):
    """One unit's sheet: every item with its source value, the rule applied or the issuer's note and
    evidence; the issuer scores manual items here while the evaluation is open."""

    model = UnitResult
    template_name = "evaluation/result_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("evaluation__sheet", "evaluation__issuer", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result, user = self.object, self.request.user
        evaluation = result.evaluation
        scores = list(result.scores.select_related("item", "scored_by"))
        may = services.may_evaluate(user, evaluation.issuer_id) and not evaluation.is_final
        for s in scores:
            s.source_label = sources.label(s.item.source_code) if s.item.is_automatic else "人工评分"
            s.connected = not s.item.is_automatic or sources.get(s.item.source_code) is not None
            if may and not s.item.is_automatic:
                if s.item.is_veto:
                    s.form = VetoForm(
                        initial={"vetoed": "1" if s.vetoed else "0", "reason": s.note}, prefix=f"s{s.pk}"
                    )
                else:
                    s.form = ScoreForm(initial={"score": s.score, "note": s.note}, prefix=f"s{s.pk}")
        context.update(evaluation=evaluation, scores=scores, may_score=may)
        return context


class EvaluationPostView(LoginRequiredMixin, View):
    """POST one step on an object the user sees (404 outside it); the service decides whether the user
    may take it (403) and whether the state allows it (the reason shown on the page)."""

    model: type = Evaluation
    form_class: type = NoteForm
    done = ""
    prefix_from_pk = False

    def act(self, obj, data: dict, request) -> None:
        raise NotImplementedError

    def target(self, obj) -> str:
        return obj.get_absolute_url()

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        prefix = f"s{obj.pk}" if self.prefix_from_pk else None
        form = self.form_class(request.POST, request.FILES, prefix=prefix)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.target(obj))
        try:
            self.act(obj, form.cleaned_data, request)
        except ValidationError as exc:
            _messages(request, exc)
            return redirect(self.target(obj))
        messages.success(request, self.done)
        return redirect(self.target(obj))


class StartView(EvaluationPostView):
    model = ScoreSheet
    done = "已开展评价，自动取数项已按年末数据计算"

    def act(self, sheet, data, request):
        self.started = services.start(sheet, actor=request.user, ip=client_ip(request))

    def target(self, sheet):
        started = getattr(self, "started", None)
        return started.get_absolute_url() if started is not None else sheet.get_absolute_url()


class RecomputeView(EvaluationPostView):
    done = "已重新取数"

    def act(self, evaluation, data, request):
        services.recompute(evaluation, actor=request.user, ip=client_ip(request))


class FinaliseView(EvaluationPostView):
    done = "考核评价已定稿，各单位可查看本单位结果"

    def act(self, evaluation, data, request):
        services.finalise(evaluation, actor=request.user, note=data["note"], ip=client_ip(request))


class ReopenView(EvaluationPostView):
    form_class = ReasonForm
    done = "已重新打开考核评价"

    def act(self, evaluation, data, request):
        services.reopen(evaluation, actor=request.user, reason=data["reason"], ip=client_ip(request))


class ScoreView(EvaluationPostView):
    model = Score
    form_class = ScoreForm
    prefix_from_pk = True
    done = "已保存评分"

    def act(self, score, data, request):
        services.score_manual(
            score, value=data["score"], note=data["note"], upload=data["file"], actor=request.user,
            ip=client_ip(request),
        )  # fmt: skip


class VetoView(EvaluationPostView):
    model = Score
    form_class = VetoForm
    prefix_from_pk = True
    done = "已保存否决认定"

    def act(self, score, data, request):
        services.decide_veto(
            score, vetoed=data["vetoed"], reason=data["reason"], upload=data["file"], actor=request.user,
            ip=client_ip(request),
        )  # fmt: skip


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A score's evidence file, decrypted for a user who sees the score; every download is audited."""

    model = Score

    def get(self, request, pk):
        score = get_object_or_404(Score.objects.visible_to(request.user).exclude(evidence=""), pk=pk)
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD,
            score.result.evaluation,
            detail=f"下载考核佐证材料「{score.evidence_name}」（{score.result.unit}，{score.item.name}）",
        )
        return sealed_response(score.evidence, score.evidence_name)


FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", exports.to_docx),
}


class ExportView(LoginRequiredMixin, View):
    """The evaluation as .xlsx or .docx: the rows the user sees (a unit: its own row)."""

    model = Evaluation

    def get(self, request, pk, fmt):
        if fmt not in FORMATS:
            raise Http404("不支持的格式")
        evaluation = get_object_or_404(
            Evaluation.objects.visible_to(request.user).select_related("sheet", "issuer"), pk=pk
        )
        results = UnitResult.objects.visible_to(request.user).filter(evaluation=evaluation)
        content_type, render = FORMATS[fmt]
        response = HttpResponse(render(evaluation, results), content_type=content_type)
        name = exports.title(evaluation)
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD_REPORT,
            evaluation,
            detail=f"下载「{name}」（{fmt.upper()}，{results.count()} 个单位）",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
        return response
