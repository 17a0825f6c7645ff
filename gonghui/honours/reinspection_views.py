"""复查 pages: the re-inspections the user sees, one with its holders (criteria recomputed as of the
inspection's date, passed / failed with the figures) and the result forms, and the form that opens one.
Thin: ``reinspection`` acts."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from gonghui.core.net import client_ip
from gonghui.core.views import ObjectDetailView, ObjectListView

from . import criteria, reinspection
from .grants_views import ActionView, ServiceEditView
from .manage_forms import ReinspectionForm, ResultForm
from .manage_tables import ReinspectionFilterSet, ReinspectionTable
from .models import Reinspection, ReinspectionRecord


class ReinspectionListView(ObjectListView):
    model = Reinspection
    filterset_class = ReinspectionFilterSet
    table_class = ReinspectionTable
    title = "复查（回头看）"
    subtitle = "列入命名年度内仍有效或整改中的全部荣誉，评选条件按核定日期重新计算"
    add_url_name = "honours:reinspection-add"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("kind", "issuer")
            .annotate(
                record_count=Count("records"), done_count=Count("records", filter=~Q(records__result=""))
            )
            .order_by("-year", "issuer__path", "-id")
        )


class ReinspectionDetailView(ObjectDetailView):
    model = Reinspection
    template_name = "honours/reinspection_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "issuer", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        records = list(
            obj.records.select_related("holder__node", "holder__kind", "inspected_by").order_by(
                "holder__node__path", "id"
            )
        )
        rows = [(r, criteria.summary(r.criteria)) for r in records]
        can_record = obj.status == Reinspection.Status.OPEN and reinspection.may_record(
            self.request.user, obj
        )
        context.update(
            rows=rows,
            can_record=can_record,
            result_form=ResultForm(initial={"inspected_on": timezone.localdate()}),
            done=sum(1 for r in records if r.result),
        )
        return context


class ReinspectionAddView(ServiceEditView):
    model = Reinspection
    form_class = ReinspectionForm

    def saved_message(self) -> str:
        return f"已组织复查「{self.object}」，列入 {self.object.records.count()} 个荣誉"


class ResultView(ActionView):
    model = ReinspectionRecord
    form_class = ResultForm
    done = "已记录复查结论"

    def back(self, record) -> str:
        return record.reinspection.get_absolute_url() + f"#record-{record.pk}"

    def act(self, record, data, request):
        reinspection.record_result(
            record,
            result=data["result"],
            inspected_on=data["inspected_on"],
            note=data.get("note") or "",
            rectify_until=data.get("rectify_until"),
            actor=request.user,
            ip=client_ip(request),
        )
