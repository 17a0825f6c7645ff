"""Pages of 对口联系: the pairing list, a pairing with its visits and the problems they raised, add / edit
(the issuing federation only) / delete, the visit form, and the coverage page of a federation's
county-level unions with its .xlsx export of the gaps. Thin: forms validate, services act."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.params import date_param, id_param, int_param
from gonghui.core.scope import home_node
from gonghui.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
    ScopedMixin,
)
from gonghui.orgs.models import UnionOrg

from . import pairings
from .models import Pairing
from .pairings_filters import PairingFilterSet
from .pairings_forms import PairingForm, VisitForm
from .pairings_tables import PairingTable


class PairingListView(ObjectListView):
    """对口联系: the pairings whose county lies in the user's subtree (a county: its own, from the city
    and the province)."""

    model = Pairing
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = "对口联系"
    subtitle = "领导、部门和产业（行业）工会与县级工会的结对；走访次数按结对年度计"
    add_url_name = "supervision:pairing-add"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("issuer", "target", "department")
            .annotate(visit_count=pairings.visit_count_in_year())
            .order_by("-year", "target__path", "issuer__path", "contact")
        )


class PairingDetailView(ObjectDetailView):
    model = Pairing
    template_name = "supervision/pairing_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("issuer", "target", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairing, user = self.object, self.request.user
        visits = list(pairing.visits.select_related("recorded_by").prefetch_related("problems"))
        context.update(
            visits=visits,
            visited_this_year=any(v.visited_on.year == pairing.year for v in visits),
            can_edit_pairing=pairings.may_edit(user, pairing),
            can_log_visit=pairings.may_log_visit(user, pairing),
        )
        return context


class PairingAddView(ObjectEditView):
    """新增对口联系: the user's own federation pairs one of its contacts with a county in its subtree."""

    model = Pairing
    form_class = PairingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class IssuerOnlyMixin(RoleRequiredMixin):
    """A pairing the user sees (404 outside), changed only by its issuer's administrators (403)."""

    model = Pairing
    required_role = "can_edit"

    def pairing(self, request, pk) -> Pairing:
        pairing = get_object_or_404(
            Pairing.objects.visible_to(request.user).select_related("issuer", "target"), pk=pk
        )
        if not pairings.may_edit(request.user, pairing):
            raise PermissionDenied("只有结对的联系方（工会）可以修改或删除对口联系")
        return pairing


class PairingEditView(IssuerOnlyMixin, View):
    template_name = "core/object_edit.html"

    def _render(self, request, pairing, form, status=200):
        context = {"form": form, "object": pairing, "title": "编辑对口联系", "model_meta": Pairing._meta}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        pairing = self.pairing(request, pk)
        return self._render(request, pairing, PairingForm(instance=pairing, user=request.user))

    def post(self, request, pk):
        pairing = self.pairing(request, pk)
        form = PairingForm(request.POST, instance=pairing, user=request.user, ip=client_ip(request))
        if form.is_valid():
            try:
                saved = form.save()
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已保存「{saved}」")
                return redirect(saved.get_absolute_url())
        return self._render(request, pairing, form)


class PairingDeleteView(IssuerOnlyMixin, View):
    template_name = "core/object_delete.html"

    def _context(self, pairing, refusal: str = "") -> dict:
        return {
            "object": pairing,
            "refusal": refusal,
            "cancel_url": pairing.get_absolute_url(),
            "title": "删除对口联系",
            "action_label": "删除",
            "model_meta": Pairing._meta,
        }

    def get(self, request, pk):
        pairing = self.pairing(request, pk)
        refusal = f"「{pairing}」已有走访记录，不能删除" if pairing.visits.exists() else ""
        return render(request, self.template_name, self._context(pairing, refusal))

    def post(self, request, pk):
        pairing = self.pairing(request, pk)
        shown = str(pairing)
        try:
            pairings.delete_pairing(pairing, actor=request.user, ip=client_ip(request))
        except ValidationError as exc:
            return render(request, self.template_name, self._context(pairing, exc.messages[0]), status=409)
        messages.success(request, f"已删除「{shown}」")
        return redirect("supervision:pairing-list")


class VisitView(RoleRequiredMixin, View):
    """登记走访: date, who went, what was found, and the problems to put on the county's 问题清单."""

    model = Pairing
    required_role = "can_edit"
    template_name = "supervision/visit_form.html"

    def pairing(self, request, pk) -> Pairing:
        pairing = get_object_or_404(
            Pairing.objects.visible_to(request.user).select_related("issuer", "target"), pk=pk
        )
        if not pairings.may_log_visit(request.user, pairing):
            raise PermissionDenied("您不能登记这个对口联系的走访")
        return pairing

    def get(self, request, pk):
        pairing = self.pairing(request, pk)
        form = VisitForm(initial={"visited_on": timezone.localdate(), "visitors": pairing.contact})
        return render(request, self.template_name, {"pairing": pairing, "form": form})

    def post(self, request, pk):
        pairing = self.pairing(request, pk)
        form = VisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pairings.log_visit(
                    pairing,
                    visited_on=data["visited_on"],
                    visitors=data["visitors"],
                    findings=data["findings"],
                    problem_lines=data["problem_lines"],
                    actor=request.user,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                raised = len(data["problem_lines"])
                note = f"，已登记 {raised} 个问题到{pairing.target}的问题清单" if raised else ""
                messages.success(request, f"已登记走访{note}")
                return redirect(pairing.get_absolute_url())
        return render(request, self.template_name, {"pairing": pairing, "form": form}, status=400)


class CoverageView(ScopedMixin, TemplateView):
    """对口联系覆盖: for the user's federation (or a union of its subtree, ?union=) and a year — every
    county-level union paired at province or city level? every pairing visited at least once by the
    day (?as_of=, default today or the year's last day)? The gaps listed; ?export=xlsx downloads them."""

    model = Pairing
    template_name = "supervision/pairing_coverage.html"

    def root(self, request) -> UnionOrg:
        union_id = id_param(request, "union", "工会编号")
        if union_id is None:
            node = home_node(request.user)
            if node is None:
                raise PermissionDenied("您的账号未分配所属工会")
            return node
        return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=union_id)

    def get(self, request, *args, **kwargs):
        root = self.root(request)
        year = int_param(
            request, "year", timezone.localdate().year, min_value=2000, max_value=2100, label="年度"
        )
        as_of = date_param(request, "as_of", "统计日期", pairings.default_as_of(year))
        assert as_of is not None
        if as_of.year != year:
            as_of = min(max(as_of, dt.date(year, 1, 1)), dt.date(year, 12, 31))
        campaign = (request.GET.get("campaign") or "").strip()[:100]
        cov = pairings.coverage(root, year, as_of, campaign)
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(
                pairings.coverage_xlsx(cov),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = f"{root.name}{year}年对口联系覆盖缺口.xlsx"
            audit.record(
                request,
                AuditEvent.Action.DOWNLOAD_REPORT,
                root,
                detail=f"下载对口联系覆盖缺口（{year} 年，截至 {as_of:%Y-%m-%d}：未结对 {len(cov.unpaired)} 个，"
                f"未走访 {len(cov.unvisited)} 对）",
            )
            response["Content-Disposition"] = content_disposition_header(True, name)
            return response
        params = request.GET.copy()
        params["export"] = "xlsx"
        context = self.get_context_data(
            cov=cov,
            root=root,
            year=year,
            campaign=campaign,
            export_url=f"{reverse('supervision:pairing-coverage')}?{params.urlencode()}",
        )
        return self.render_to_response(context)
