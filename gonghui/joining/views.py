"""Public pages (no login: apply, status, transfer request) and reviewer pages (login, scoped)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET

from gonghui.core.net import client_ip
from gonghui.core.normalize import compact
from gonghui.core.search import name_contains
from gonghui.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, RoleRequiredMixin
from gonghui.members.models import HELD_STATUSES, Member
from gonghui.members.services import held_membership
from gonghui.orgs.models import Workplace

from . import ratelimit, services, workdays
from .filters import JoinApplicationFilterSet, RoutingRuleFilterSet, TransferFilterSet
from .forms import (
    ApplyForm,
    ApproveForm,
    ForwardForm,
    RefuseForm,
    RejectForm,
    RoutingRuleForm,
    StatusForm,
    TransferRequestForm,
)
from .models import (
    OPEN_STATUSES,
    ApplicationStatus,
    JoinApplication,
    RoutingRule,
    TransferRequest,
    TransferStatus,
)
from .routing import NoRoute, route
from .tables import JoinApplicationTable, RoutingRuleTable, TransferTable

TOO_MANY = "操作过于频繁，请稍后再试"
SESSION_TRANSFER = "joining_transfer"


def _limited(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["refusal"] = TOO_MANY
    return render(request, template, context, status=429)


# -- public ------------------------------------------------------------------------------------


def _pad_to_floor(started: float) -> None:
    """Sleep until ``GONGHUI_JOIN_SUBMIT_FLOOR`` seconds after ``started``: a submission for a member's ID
    (probed, flagged, sometimes refused) and one for a fresh ID (one INSERT) then answer in the same
    time, as long as both finish within the floor. Only after the rate limits: a flood is refused
    at once and holds no worker asleep."""
    floor = float(getattr(settings, "GONGHUI_JOIN_SUBMIT_FLOOR", 0.25))
    left = started + floor - time.monotonic()
    if left > 0:
        time.sleep(left)


class ApplyView(View):
    template_name = "joining/apply.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ApplyForm(), "consent": services.CONSENT_VERSION})

    def post(self, request):
        form = ApplyForm(request.POST)
        context = {"form": form, "consent": services.CONSENT_VERSION}
        if request.POST.get("website"):
            # A script filled the honeypot: refuse without saying which field gave it away, and count
            # the post against its address like any other (a flood of them ends in 429 too).
            if not ratelimit.allow("apply_ip", ratelimit.client_ip(request)):
                return _limited(request, self.template_name, context)
            context["refusal"] = "提交未被受理，请刷新页面后重试"
            return render(request, self.template_name, context, status=400)
        # Every post counts against its address, a valid one against its ID number too: both counters
        # in one round trip to the shared counters. Validation only reads cached reference rows (and a
        # workplace by primary key), so doing it before the limit check costs no more than refusing.
        valid = form.is_valid()
        checks = [("apply_ip", ratelimit.client_ip(request))]
        if valid:
            checks.append(("apply_id", form.cleaned_data["id_number"].number))
        if not ratelimit.allow_all(checks):
            return _limited(request, self.template_name, context)
        if not valid:
            return render(request, self.template_name, context, status=200)
        # From here the answer depends on what the database holds for the ID (a membership, an open
        # application): padded to the same floor whatever it is, so that its time tells nothing.
        started = time.monotonic()
        response = self.submit(request, form, context)
        _pad_to_floor(started)
        return response

    def submit(self, request, form, context):
        data = form.cleaned_data
        rid = data["id_number"]
        try:
            app = services.submit(
                services.ApplicationInput(
                    name=data["name"],
                    resident_id=rid,
                    phone=data["phone"],
                    workplace=data["workplace"],
                    new_form_group=data["new_form_group"],
                    district=data["district"],
                    consent_constitution=data["consent_constitution"],
                    consent_personal_data=data["consent_personal_data"],
                    is_migrant_worker=data["is_migrant_worker"],
                    employer_name=data["employer_name"],
                    employer_uscc=data["employer_uscc"],
                )
            )
        except services.AlreadyMemberRefused as exc:
            # Identity proven by name + ID + phone: offer the transfer to where they now work.
            request.session[SESSION_TRANSFER] = {
                "member": exc.holder.pk,
                "workplace": data["workplace"].pk if data["workplace"] else None,
                "group": data["new_form_group"].pk if data["new_form_group"] else None,
                "district": data["district"].pk if data["district"] else None,
            }
            context.update(refusal=str(exc), offer_transfer=True)
            return render(request, self.template_name, context)
        except services.JoiningError as exc:
            context["refusal"] = str(exc)
            return render(request, self.template_name, context)
        return render(request, "joining/apply_done.html", {"app": app})


@require_GET
def workplace_search(request):
    """At most 10 registry workplaces by name or credit code, for the apply form."""
    if not ratelimit.allow("search_ip", ratelimit.client_ip(request)):
        return JsonResponse({"results": [], "error": TOO_MANY}, status=429)
    q = compact(request.GET.get("q", ""))[:50]
    if len(q) < 2:
        return JsonResponse({"results": []})
    qs = Workplace.objects.select_related("region")
    qs = (
        qs.filter(uscc__startswith=q.upper())
        if q[:2].isalnum() and q.isascii()
        else name_contains(qs, "name", q)  # the pg_trgm index on UPPER(name) (core.search)
    )
    results = [
        {"id": w.pk, "name": w.name, "region": w.region.name, "uscc": w.uscc or ""}
        for w in qs.order_by("name")[:10]
    ]
    return JsonResponse({"results": results})


class StatusView(View):
    template_name = "joining/status.html"

    def get(self, request):
        return render(request, self.template_name, {"form": StatusForm()})

    def post(self, request):
        form = StatusForm(request.POST)
        context = {"form": form}
        if not ratelimit.allow("status_ip", ratelimit.client_ip(request)):
            return _limited(request, self.template_name, context)
        if not form.is_valid():
            return render(request, self.template_name, context)
        id_number = form.cleaned_data["id_number"]
        if not ratelimit.allow("status_id", id_number):
            return _limited(request, self.template_name, context)
        app = services.lookup_status(form.cleaned_data["number"], id_number)
        if app is None:
            context["refusal"] = "未找到申请：请核对申请编号和身份证号"
            return render(request, self.template_name, context)
        if request.POST.get("action") == "withdraw":
            try:
                app = services.withdraw(app)
                context["notice"] = "申请已撤回"
            except services.JoiningError as exc:
                context["refusal"] = str(exc)
        context.update(
            app=app,
            events=app.events.select_related("to_union").order_by("at", "id"),
            urgency=workdays.urgency(app.deadline) if app.is_open else "",
        )
        return render(request, self.template_name, context)


class PublicTransferView(View):
    """Reached only after the apply page proved the person's identity (name + ID + phone)."""

    template_name = "joining/public_transfer.html"

    def _state(self, request):
        state = request.session.get(SESSION_TRANSFER)
        if not state:
            return None, None, None
        member = Member.objects.select_related("union").filter(pk=state["member"]).first()
        if member is None or not member.is_held:
            return None, None, None
        workplace = Workplace.objects.filter(pk=state["workplace"]).first() if state["workplace"] else None
        from gonghui.members.models import NewFormGroup
        from gonghui.regions.models import Region

        group = NewFormGroup.objects.filter(pk=state["group"]).first() if state["group"] else None
        district = Region.objects.filter(pk=state["district"]).first() if state["district"] else None
        try:
            target = route(workplace, group, district)
        except NoRoute as exc:
            return member, None, str(exc)
        return member, (target, workplace), None

    def get(self, request):
        member, target, error = self._state(request)
        if member is None:
            return redirect("joining:apply")
        return render(
            request, self.template_name, {"member": member, "target": target and target[0], "error": error}
        )

    def post(self, request):
        member, target, _error = self._state(request)
        if member is None or target is None:
            return redirect("joining:apply")
        try:
            tr = services.request_transfer(
                member,
                target[0].union,
                actor=None,
                workplace=target[1],
                note="会员本人在线申请",
                ip=client_ip(request),
            )
        except services.JoiningError as exc:
            return render(
                request, self.template_name, {"member": member, "target": target[0], "error": str(exc)}
            )
        del request.session[SESSION_TRANSFER]
        return render(request, self.template_name, {"member": member, "target": target[0], "done": tr})


# -- reviewer ----------------------------------------------------------------------------------


class ReviewerMixin(RoleRequiredMixin):
    required_role = "can_review"
    permission_denied_message = "您的角色不能审核入会申请"


class QueueView(ReviewerMixin, ObjectListView):
    model = JoinApplication
    filterset_class = JoinApplicationFilterSet
    table_class = JoinApplicationTable
    template_name = "joining/queue.html"
    title = "入会申请审核"
    exportable = False
    overdue_only = False

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if self.overdue_only:
            data = data.__class__(mutable=True)  # the overdue list takes no filters
        data.setdefault("status", "open")  # 待办 first
        kwargs["data"] = data
        return kwargs

    def get_base_queryset(self):
        base = super().get_base_queryset().select_related("routed_union", "new_form_group", "workplace")
        if self.overdue_only:
            base = base.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())
        return base.order_by("submitted_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = JoinApplication.objects.visible_to(self.request.user)
        counts = {row["status"]: row["n"] for row in base.values("status").annotate(n=Count("id"))}
        by_union = []
        if self.overdue_only:
            by_union = (
                self.object_list.values("routed_union__name")
                .annotate(n=Count("id"))
                .order_by("-n", "routed_union__name")[:50]
            )
        data = self.filterset.data
        context.update(
            counts=counts,
            open_count=sum(counts.get(s, 0) for s in OPEN_STATUSES),
            overdue=base.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate()).count(),
            statuses=[(v, label, counts.get(v, 0)) for v, label in ApplicationStatus.choices],
            current={k: data.get(k, "") for k in ("status", "due", "kind", "q")},
            overdue_only=self.overdue_only,
            by_union=by_union,
        )
        return context


class OverdueView(QueueView):
    title = "逾期未办结的入会申请"
    overdue_only = True


class DecisionView(ReviewerMixin, View):
    """A detail page whose POST names an ``action``. ``actions`` maps each action to its form (or
    None); a form that does not validate re-renders the page with it (``get(…, <action>_form=form)``).
    ``act_<action>(request, obj, data)`` calls the service and returns the success message; a refusal
    (``JoiningError``) re-renders the page with its reason. Afterwards: back to the page, or to the
    list when the row has left the user's scope (forwarded elsewhere)."""

    actions: dict[str, type | None] = {}
    list_url = ""
    related: tuple[str, ...] = ()

    def get_object(self, request, pk):
        return get_object_or_404(
            self.model.objects.visible_to(request.user).select_related(*self.related), pk=pk
        )

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        action = request.POST.get("action")
        if action not in self.actions:
            return self.get(request, pk, error="未知操作")
        form_class, data = self.actions[action], {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                return self.get(request, pk, **{f"{action}_form": form})
            data = form.cleaned_data
        try:
            messages.success(request, getattr(self, f"act_{action}")(request, obj, data))
        except services.JoiningError as exc:
            return self.get(request, pk, error=str(exc))
        if not self.model.objects.visible_to(request.user).filter(pk=pk).exists():
            return redirect(self.list_url)
        return redirect(obj.get_absolute_url())


class ApplicationDetailView(DecisionView):
    model = JoinApplication  # read by the scope sweep; DecisionView.get_object scopes by it
    template_name = "joining/application_detail.html"
    actions = {"approve": ApproveForm, "reject": RejectForm, "forward": ForwardForm}
    list_url = "joining:queue"
    related = ("routed_union", "workplace", "new_form_group", "district", "reviewer", "member")

    def get(self, request, pk, reject_form=None, forward_form=None, error=None, approve_form=None):
        app = self.get_object(request, pk)
        app.urgency = workdays.urgency(app.deadline) if app.is_open else ""
        holder = held_membership(app.id_hash) if app.is_open else None
        return render(
            request,
            self.template_name,
            {
                "app": app,
                "events": app.events.select_related("actor", "from_union", "to_union"),
                "notifications": app.notifications.all(),
                "reject_form": reject_form or RejectForm(),
                "forward_form": forward_form or ForwardForm(),
                "approve_form": approve_form
                or ApproveForm(
                    initial={
                        "is_migrant_worker": "yes" if app.is_migrant_worker else "no",
                        "new_form_group": app.new_form_group_id,
                    }
                ),
                "may_review": services.may_review(request.user, app),
                "holder": holder,
                "holder_visible": holder is not None
                and Member.objects.visible_to(request.user).filter(pk=holder.pk).exists(),
                "error": error,
            },
        )

    def act_approve(self, request, app, data):
        corrections = {
            key: data[key] for key in ("is_migrant_worker", "new_form_group") if key in request.POST
        }
        services.approve(app, request.user, ip=client_ip(request), **corrections)
        return f"已批准 {app.name} 入会"

    def act_reject(self, request, app, data):
        services.reject(app, request.user, data["reason"], ip=client_ip(request))
        return f"已退回 {app.name} 的申请"

    def act_forward(self, request, app, data):
        services.forward(app, request.user, data["to_union"], data["note"], ip=client_ip(request))
        return f"已转交「{data['to_union']}」"


class TransferListView(ReviewerMixin, ObjectListView):
    model = TransferRequest
    filterset_class = TransferFilterSet
    table_class = TransferTable
    template_name = "joining/transfer_list.html"
    title = "会籍转接"
    exportable = False

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        data.setdefault("status", TransferStatus.REQUESTED)  # 待处理 first
        kwargs["data"] = data
        return kwargs

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("member", "from_union", "to_union")
            .order_by("requested_at", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=TransferStatus.choices, status=self.filterset.data["status"])
        return context


class TransferCreateView(ReviewerMixin, View):
    """Start a transfer. ``?member=<pk>`` (the 转出 link on a member's page): that member, found in the
    user's scope; otherwise the person is named by ID number and name."""

    template_name = "joining/transfer_new.html"

    def known_member(self, request) -> Member | None:
        pk = request.GET.get("member") or request.POST.get("member")
        if not pk:
            return None
        if not str(pk).isdigit():
            raise Http404("会员不存在")
        held = Member.objects.visible_to(request.user).filter(status__in=HELD_STATUSES)
        return get_object_or_404(held.select_related("union"), pk=pk)

    def render_form(self, request, form, member):
        return render(request, self.template_name, {"form": form, "member": member})

    def get(self, request):
        member = self.known_member(request)
        return self.render_form(request, TransferRequestForm(user=request.user, member=member), member)

    def post(self, request):
        member = self.known_member(request)
        form = TransferRequestForm(request.POST, user=request.user, member=member)
        if not form.is_valid():
            return self.render_form(request, form, member)
        holder = member
        if holder is None:
            from gonghui.core import crypto

            holder = held_membership(crypto.lookup_hash("ric", form.cleaned_data["id_number"].number))
            if holder is None or holder.name != form.cleaned_data["name"]:
                form.add_error(None, "未找到姓名与身份证号相符的在会会员；非会员请通过网上入会办理")
                return self.render_form(request, form, member)
        try:
            tr = services.request_transfer(
                holder,
                form.cleaned_data["to_union"],
                actor=request.user,
                note=form.cleaned_data["note"],
                ip=client_ip(request),
            )
        except services.JoiningError as exc:
            form.add_error(None, str(exc))
            return self.render_form(request, form, member)
        messages.success(
            request, f"已向「{tr.answering_union}」发出转接申请，答复期限 {tr.deadline:%Y-%m-%d}"
        )
        return redirect("joining:transfer-detail", pk=tr.pk)


class TransferDetailView(DecisionView):
    model = TransferRequest
    template_name = "joining/transfer_detail.html"
    actions = {"confirm": None, "refuse": RefuseForm, "cancel": None}
    list_url = "joining:transfer-list"
    related = ("member", "from_union", "to_union", "workplace", "requested_by", "decided_by")

    def get(self, request, pk, refuse_form=None, error=None):
        tr = self.get_object(request, pk)
        tr.urgency = workdays.urgency(tr.deadline) if tr.status == TransferStatus.REQUESTED else ""
        return render(
            request,
            self.template_name,
            {
                "tr": tr,
                "events": tr.events.select_related("actor"),
                "answering_side": services.may_answer(request.user, tr),
                "member_visible": Member.objects.visible_to(request.user).filter(pk=tr.member_id).exists(),
                "refuse_form": refuse_form or RefuseForm(),
                "error": error,
            },
        )

    def act_confirm(self, request, tr, data):
        services.confirm_transfer(tr, request.user, ip=client_ip(request))
        return "已确认转出，转出、转入记录已生成"

    def act_refuse(self, request, tr, data):
        services.refuse_transfer(tr, request.user, data["reason"], ip=client_ip(request))
        return "已拒绝转接"

    def act_cancel(self, request, tr, data):
        if not (request.user.is_superuser or tr.requested_by_id == request.user.pk):
            raise services.JoiningError("只有申请人可以撤销")
        services.cancel_transfer(tr, request.user, "申请方撤销", ip=client_ip(request))
        return "已撤销"


# -- routing rules (administrators) ---------------------------------------------------------------


class AdminOnlyMixin:
    """Routing rules decide where every application goes: the system administrator (all of them: its node
    is the root) and business administrators (those of their subtree), not reviewers."""

    required_role = "can_manage_routing"
    permission_denied_message = "只有系统管理员和业务管理员可以查看和修改入会分配规则"


class RoutingRuleListView(AdminOnlyMixin, ObjectListView):
    model = RoutingRule
    filterset_class = RoutingRuleFilterSet
    table_class = RoutingRuleTable
    add_url_name = "joining:rule-add"
    title = "入会分配规则"
    exportable = False  # a handful of rows per district: nothing to export

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("region", "new_form_group", "union")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url_name"] = self.add_url_name  # the list's own role, not can_edit (the system admin)
        return context


class RoutingRuleEditView(AdminOnlyMixin, ObjectEditView):
    model = RoutingRule
    form_class = RoutingRuleForm


class RoutingRuleDeleteView(AdminOnlyMixin, ObjectDeleteView):
    """Deleted outright: a stopped rule would still hold its district's place (one rule per group and
    district), so 停用 is the edit form's checkbox and 删除 makes room for a new rule."""

    model = RoutingRule
    success_url_name = "joining:rule-list"
