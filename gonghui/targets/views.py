"""Pages of the targets app: plans (list, upload, hand entry, progress), drill-down, indicators."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views import View

from gonghui.core.net import client_ip
from gonghui.core.params import id_param, int_param, parse_date
from gonghui.core.replica import ReplicaReadMixin
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectListView, RoleRequiredMixin
from gonghui.members.models import EventKind, MembershipEvent
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg

from . import cube, indicators, progress, quality, services
from .display import attach_cell_lists, attach_drill_urls
from .filters import TargetPlanFilterSet
from .forms import PlanHeadForm, PlanUploadForm, issuer_choices
from .importer import ImportRefused, import_plan
from .models import Metric, TargetPlan
from .params import as_of_from, default_as_of, visible_plan, visible_union_ids, year_finished
from .tables import TargetPlanTable
from .template import build_template


class PlanListView(ObjectListView):
    model = TargetPlan
    filterset_class = TargetPlanFilterSet
    table_class = TargetPlanTable
    title = "目标任务"
    extra_actions_template = "targets/_plan_actions.html"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("issuer")


class EditorRequired(RoleRequiredMixin):
    required_role = "can_edit"


class PlanUploadView(EditorRequired, View):
    template_name = "targets/plan_upload.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": PlanUploadForm(user=request.user), "title": "导入目标分解表"},
        )

    def post(self, request):
        form = PlanUploadForm(request.POST, request.FILES, user=request.user)
        errors: list[str] = []
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan, table = import_plan(
                    data["file"],
                    issuer=data["issuer"],
                    year=data["year"],
                    title=data["title"],
                    doc_number=data["doc_number"],
                    issued_on=data["issued_on"],
                    actor=request.user,
                    file_label=f"「{data['file'].name}」",
                    ip=client_ip(request),
                )
            except ImportRefused as exc:
                errors = exc.errors
            except services.PlanError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, f"已导入「{plan.title}」：{len(table.rows)} 行")
                return redirect(plan.get_absolute_url())
        return render(
            request, self.template_name, {"form": form, "errors": errors, "title": "导入目标分解表"}
        )


class PlanTemplateView(EditorRequired, View):
    """The .xlsx to fill in: the chosen issuer's (default: the user's own union's) direct sub-units.
    Not audited: it holds unit names and empty target cells, no person (the audit log records downloads
    of personal data and of generated reports, not blank forms)."""

    def get(self, request):
        choices = issuer_choices(request.user)
        issuer_id = id_param(request, "issuer", "下达单位编号")
        if issuer_id is None:
            home = home_node(request.user)
            issuer = choices.filter(pk=home.pk).first() if home else choices.first()
            if issuer is None:
                raise Http404("没有可下达目标的工会")
        else:
            issuer = get_object_or_404(choices, pk=issuer_id)
        year = int_param(request, "year", dt.date.today().year, min_value=2000, max_value=2100, label="年度")
        response = HttpResponse(
            build_template(issuer, year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{issuer.name}{year}年目标分解表模板.xlsx"
        )
        return response


class PlanEntryView(EditorRequired, View):
    """Fill a plan by hand: rows = the issuer's direct sub-units, columns = the default metrics."""

    template_name = "targets/plan_entry.html"

    def _grid(self, issuer, data=None, plan=None):
        metrics = list(Metric.objects.exclude(source=Metric.Source.MANUAL).order_by("order"))
        existing = {}
        if plan is not None:
            existing = {(i.union_id, i.metric.code): i.target for i in plan.items.select_related("metric")}
        rows = []
        for child in UnionOrg.objects.filter(parent=issuer, status=UnionOrg.Status.ACTIVE).order_by("path"):
            cells = []
            for m in metrics:
                name = f"t_{child.pk}_{m.code}"
                value = data.get(name, "") if data is not None else existing.get((child.pk, m.code), "")
                cells.append({"name": name, "value": value, "metric": m})
            rows.append({"union": child, "cells": cells})
        return metrics, rows

    def get(self, request):
        form = PlanHeadForm(request.GET or None, user=request.user)
        issuer = None
        if form.is_bound and form.is_valid():
            issuer = form.cleaned_data["issuer"]
        metrics, rows = self._grid(issuer) if issuer else ([], [])
        return render(
            request,
            self.template_name,
            {"form": form, "metrics": metrics, "rows": rows, "title": "手工填报目标"},
        )

    def post(self, request):
        form = PlanHeadForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"form": form, "metrics": [], "rows": [], "title": "手工填报目标"},
            )
        data = form.cleaned_data
        metrics, rows = self._grid(data["issuer"], request.POST)
        errors, plan_rows = [], []
        for row in rows:
            cells = {}
            for c in row["cells"]:
                text = str(c["value"]).strip()
                if not text:
                    continue
                if not text.isdigit():
                    errors.append(f"「{row['union'].name}」的「{c['metric'].name}」：「{text}」不是非负整数")
                    continue
                cells[c["metric"].code] = int(text)
            if cells:
                plan_rows.append((row["union"], cells))
        if not plan_rows and not errors:
            errors.append("至少填写一个目标值")
        if not errors:
            try:
                plan = services.save_plan(
                    issuer=data["issuer"],
                    year=data["year"],
                    title=data["title"] or f"{data['issuer'].name}{data['year']}年基层组织建设净增目标",
                    rows=plan_rows,
                    doc_number=data["doc_number"],
                    issued_on=data["issued_on"],
                    actor=request.user,
                    ip=client_ip(request),
                )
            except services.PlanError as exc:
                errors.append(str(exc))
            else:
                messages.success(request, f"已保存「{plan.title}」")
                return redirect(plan.get_absolute_url())
        return render(
            request,
            self.template_name,
            {"form": form, "metrics": metrics, "rows": rows, "errors": errors, "title": "手工填报目标"},
        )


class PlanDetailView(ReplicaReadMixin, LoginRequiredMixin, View):
    def get(self, request, pk):
        plan = visible_plan(request, pk)
        as_of = as_of_from(request, default_as_of(plan))
        with cube.pinned():
            figures = services.figures_for(plan, as_of)
        linkable = visible_union_ids(
            request.user, [r["union_id"] for r in figures["rows"]] + [plan.issuer_id]
        )
        attach_cell_lists(figures)
        attach_drill_urls(figures, plan, linkable)
        # Ranked first (ties share a rank, by name within), unranked rows last.
        figures["rows"].sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
        finished = year_finished(plan, as_of)
        context = {
            "plan": plan,
            "figures": figures,
            "as_of": as_of,
            "linkable": linkable,
            "lights": progress.LIGHTS,
            "title": plan.title,
            "finished": finished,
            "missing": [] if finished else [r for r in figures["rows"] if r["will_miss"]],
        }
        return render(request, "targets/plan_detail.html", context)


class DrillView(ReplicaReadMixin, LoginRequiredMixin, View):
    """The list behind one number of a plan: the membership events (or founded unions) of the row's
    subtree in the plan year up to the date — scoped: another county's row is a 404."""

    def get(self, request, pk, union_pk, metric):
        plan = visible_plan(request, pk)
        row = get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=union_pk)
        if row.pk == plan.issuer_id:
            # The total row: every row's subtree (not the issuer's units left out of the table).
            row_paths = list(plan.items.values_list("union__path", flat=True).distinct())
        elif plan.items.filter(union=row).exists():
            row_paths = [row.path]
        else:
            raise Http404("该单位不在此目标任务中")
        within = Q()
        for p in row_paths:
            within |= Q(path__startswith=p)
        metric_obj = get_object_or_404(Metric, code=metric)
        as_of = as_of_from(request, default_as_of(plan))
        start, end = dt.date(plan.year, 1, 1), min(as_of, dt.date(plan.year, 12, 31))
        context = {"plan": plan, "row": row, "metric": metric_obj, "start": start, "end": end, "as_of": as_of}
        context["title"] = f"{row.name} · {metric_obj.name}明细"
        context["is_total"] = row.pk == plan.issuer_id
        if metric_obj.source == Metric.Source.UNIONS_FOUNDED:
            unions = (
                UnionOrg.objects.visible_to(request.user)
                .filter(within, kind__in=GRASSROOTS_KINDS, founded_on__range=(start, end))
                .select_related("parent")
                .order_by("founded_on", "name")
            )
            context["unions"] = unions
            context["counted"] = [
                u
                for u in unions
                if u.status == UnionOrg.Status.ACTIVE or (u.status_changed_on or start) > end
            ]
            return render(request, "targets/drill_unions.html", context)
        events = (
            MembershipEvent.objects.visible_to(request.user)
            .filter(union__in=UnionOrg.objects.filter(within), date__range=(start, end))
            .select_related("member", "union", "other_union")
            .order_by("date", "id")
        )
        if metric_obj.source == Metric.Source.MIGRANT_NET:
            events = events.filter(member__is_migrant_worker=True)
        elif metric_obj.source == Metric.Source.NEW_FORM_NET:
            events = events.filter(member__new_form_group__isnull=False)
        kind = request.GET.get("kind")
        if kind in EventKind.values:
            events = events.filter(kind=kind)
        page = Paginator(events, 100).get_page(request.GET.get("page"))
        member_filter = {"union": row.pk, "joined_from": start.isoformat(), "joined_to": end.isoformat()}
        if metric_obj.source == Metric.Source.MIGRANT_NET:
            member_filter["is_migrant_worker"] = "true"
        elif metric_obj.source == Metric.Source.NEW_FORM_NET:
            member_filter["new_form"] = "true"
        from urllib.parse import urlencode

        context.update(page=page, kinds=EventKind.choices, kind=kind, member_query=urlencode(member_filter))
        return render(request, "targets/drill_events.html", context)


class IndicatorView(ReplicaReadMixin, LoginRequiredMixin, View):
    """Coverage indicators by sub-unit: the stored daily results (the latest day, or the day asked for),
    counted live only for small subtrees — a province is millions of rows (see ``indicators.shown``)."""

    def get(self, request):
        user = request.user
        node_id = id_param(request, "node", "组织编号")
        if node_id:
            node = get_object_or_404(UnionOrg.objects.visible_to(user), pk=node_id)
        else:
            node = home_node(user)
            if node is None:
                raise Http404("没有组织")
        # An unreadable date is a 400, never today's figures under that label.
        shown = indicators.shown(node, parse_date(request.GET.get("as_of"), "统计日期"))
        quality.attach_flags(shown.figures, node)
        indicators.scale_bars(shown.figures)
        children = UnionOrg.objects.filter(parent=node).exists()
        return render(
            request,
            "targets/indicators.html",
            {
                "node": node,
                "shown": shown,
                "figures": shown.figures,
                "title": f"{node.name} · 建制率指标",
                "has_children": children,
                # 「上一级」 only when the user may open it (never at the user's own top node: a 404).
                "parent_visible": bool(node.parent_id)
                and UnionOrg.objects.visible_to(user).filter(pk=node.parent_id).exists(),
            },
        )


def quality_node(request) -> UnionOrg:
    """The board's node: ``?node=`` inside the user's scope, else the user's own union (a superuser
    without one: the root). A user with no union sees nothing (404), never the province."""
    node_id = id_param(request, "node", "组织编号")
    if node_id:
        return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=node_id)
    node = home_node(request.user)
    if node is None:
        raise Http404("您的账号未关联工会组织，无可查看的数据")
    return node


class QualityBoardView(ReplicaReadMixin, LoginRequiredMixin, View):
    """数据质量: the registry entries that distort the node's indicators, each count with its list."""

    def get(self, request):
        node = quality_node(request)
        shown = indicators.shown(node)
        counts = quality.counts_for(node)
        context = {
            "node": node,
            "shown": shown,
            "counts": counts,
            "items": quality.board(node, figures=shown.figures, counts=counts),
            "names": {d: name for d, (name, _) in indicators.DEFINITIONS.items()},
            "up": node.parent_id
            if node.parent_id and UnionOrg.objects.visible_to(request.user).filter(pk=node.parent_id).exists()
            else None,
            "title": f"{node.name} · 数据质量",
        }
        return render(request, "targets/quality_board.html", context)


class QualityDrillView(ReplicaReadMixin, LoginRequiredMixin, View):
    """The rows behind one count of the data-quality board: the same query, paged."""

    def get(self, request, pk, check):
        node = get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)
        item = quality.BY_CODE.get(check)
        if item is None:
            raise Http404("没有这一项数据质量检查")
        shown = indicators.shown(node) if item.rows is None else None
        found = quality.rows(item, node, figures=shown.figures if shown else None)
        page = Paginator(found, 100).get_page(request.GET.get("page"))
        context = {
            "node": node,
            "check": item,
            "page": page,
            "shown": shown,
            "title": f"{node.name} · {item.title}",
        }
        return render(request, "targets/quality_drill.html", context)
