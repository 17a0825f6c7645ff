"""Pages of the unorganised list: the list, the overdue claims, an item with its visits and the forms
that work it off, the numbers, the home page's funnel. Thin: forms validate, services act."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.params import id_param
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectDetailView, ObjectListView, RoleRequiredMixin, ScopedMixin
from gonghui.orgs.models import UnionOrg

from . import worklist, worklist_stats
from .models import ListItem, Visit
from .worklist_filters import ListItemFilterSet
from .worklist_forms import AssignForm, ClaimForm, CloseForm, VisitForm
from .worklist_tables import ListItemTable


class ListItemListView(ObjectListView):
    """清单: the items of the user's territory, largest employers first, with counts per size band."""

    model = ListItem
    filterset_class = ListItemFilterSet
    table_class = ListItemTable
    template_name = "directories/worklist/item_list.html"
    title = "未建会清单"
    subtitle = "名录中尚无有效工会覆盖的单位，按从业人数排序"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("entry__source", "territory", "claimed_by")
            .order_by(F("entry__employees").desc(nulls_last=True), "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = worklist_stats.band_counts(self.object_list)
        context["bands"] = [
            ("全部", counts["all"], ""),
            *[(label, counts[f"b{code}"], code) for code, (label, _q) in worklist.SIZE_BANDS.items()],
        ]
        context["can_refresh"] = self.request.user.can_edit
        return context


class OverdueListView(ListItemListView):
    """逾期: claimed items past their due date, for the county and the city above it."""

    title = "逾期未销号清单"
    subtitle = "已领取、超过完成期限仍未销号的清单项，按期限先后排序"

    def get_base_queryset(self):
        return worklist.overdue(super().get_base_queryset()).order_by("due_on", "pk")


class ListItemDetailView(ObjectDetailView):
    model = ListItem
    template_name = "directories/worklist/item_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "entry__source",
                "entry__region",
                "entry__workplace",
                "territory",
                "claimed_by",
                "founded_union",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        labels = dict(ListItem.Status.choices)
        events = list(item.events.select_related("actor"))
        for event in events:  # the statuses as users read them
            event.from_label = labels.get(event.from_status, "")
            event.to_label = labels.get(event.to_status, "")
        context["events"] = events
        context["visits"] = item.visits.select_related("recorded_by")
        node = home_node(user)
        if user.can_edit and item.status != ListItem.Status.CLOSED:
            context["claim_form"] = ClaimForm() if node and node.kind in worklist.WORKING_KINDS else None
            context["assign_form"] = AssignForm(user=user)
            context["visit_form"] = VisitForm()
            context["close_form"] = CloseForm(user=user)
        context["overdue"] = worklist.overdue(ListItem.objects.filter(pk=item.pk)).exists()
        return context


class ItemActionView(RoleRequiredMixin, View):
    """POST one step on an item of the user's territory (404 outside it); a refusal is shown on the item
    page and changes nothing."""

    model = ListItem
    required_role = "can_edit"
    form_class: type = ClaimForm
    done = ""

    def form(self, request):
        kwargs = {"data": request.POST, "files": request.FILES}
        if self.form_class in (AssignForm, CloseForm):
            kwargs["user"] = request.user
        return self.form_class(**kwargs)

    def act(self, item, data, request):
        raise NotImplementedError

    def post(self, request, pk):
        item = get_object_or_404(ListItem.objects.visible_to(request.user), pk=pk)
        form = self.form(request)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(item.get_absolute_url())
        try:
            self.act(item, form.cleaned_data, request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(item.get_absolute_url())
        messages.success(request, self.done)
        return redirect(item.get_absolute_url())


class ClaimView(ItemActionView):
    form_class = ClaimForm
    done = "已领单"

    def act(self, item, data, request):
        worklist.claim(item, actor=request.user, due_on=data["due_on"], ip=client_ip(request))


class AssignView(ItemActionView):
    form_class = AssignForm
    done = "已派单"

    def act(self, item, data, request):
        worklist.assign(item, to=data["to"], actor=request.user, due_on=data["due_on"], ip=client_ip(request))


class VisitView(ItemActionView):
    form_class = VisitForm
    done = "已登记走访"

    def act(self, item, data, request):
        worklist.record_visit(item, worklist.VisitInput(**data), actor=request.user, ip=client_ip(request))


class CloseView(ItemActionView):
    form_class = CloseForm
    done = "已销号"

    def act(self, item, data, request):
        ip, user = client_ip(request), request.user
        outcome = data["outcome"]
        if outcome == ListItem.Outcome.FOUNDED:
            worklist.close_founded(
                item,
                actor=user,
                union=data.get("union"),
                founded_on=data.get("founded_on"),
                union_name=data.get("union_name", ""),
                ip=ip,
            )
        elif outcome == ListItem.Outcome.JOINT:
            worklist.close_joint(item, actor=user, union=data["union"], ip=ip)
        else:
            worklist.close_not_eligible(item, actor=user, reason=data["reason"], note=data["note"], ip=ip)


class VisitAttachmentView(RoleRequiredMixin, View):
    """A visit's attachment, decrypted for a user who sees the item; the download is audited. Not for
    the three administrators: a visit's file (a signed form, a photo) may carry personal data."""

    model = Visit
    required_role = "reads_personal_data"

    def get(self, request, pk):
        items = ListItem.objects.visible_to(request.user)
        visit = get_object_or_404(Visit.objects.filter(item__in=items).exclude(attachment=""), pk=pk)
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD,
            visit.item,
            detail=f"下载走访附件（{visit.visited_on:%Y-%m-%d}）",
        )
        return sealed_response(visit.attachment, visit.attachment.name.rsplit("/", 1)[-1])


class RefreshView(RoleRequiredMixin, View):
    """更新清单: new directory entries and the employers applicants named go on the lists; items whose
    workplace has been covered meanwhile are ticked off."""

    required_role = "can_edit"

    def post(self, request):
        result = worklist.refresh_list(actor=request.user, ip=client_ip(request))
        messages.success(
            request,
            f"清单已更新：网上入会新增名录 {result.fed} 条，新列入 {result.listed} 项，对账销号 {result.ticked_off} 项",
        )
        return redirect("worklist:item-list")


def _node(request) -> UnionOrg | None:
    """?union=<id> among the unions the user sees, else the user's own node."""
    pk = id_param(request, "union", "工会编号")
    if pk is not None:
        return get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)
    return home_node(request.user)


class NumbersView(ScopedMixin, TemplateView):
    """建会率 by size band (which denominator, and why), 未建会底数 and the funnel per sub-unit."""

    model = UnionOrg
    template_name = "directories/worklist/numbers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        node = _node(self.request)
        context.update(
            title="建会工作数据",
            node=node,
            bands=worklist_stats.band_rates(node),
            funnel=worklist_stats.funnel(node),
        )
        return context


class FunnelPanelView(ScopedMixin, View):
    """The home page's panel: the funnel per sub-unit of the user's node."""

    model = UnionOrg

    def get(self, request, pk):
        node = get_object_or_404(UnionOrg.objects.visible_to(request.user), pk=pk)
        return render(
            request,
            "directories/worklist/_funnel_panel.html",
            {"node": node, "funnel": worklist_stats.funnel(node)},
        )
