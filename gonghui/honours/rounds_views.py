"""Pages of rounds and nominations: the list, a round with its nominations by status, quotas and shares
and the issuer's steps; the nomination form (a subject of the user's subtree); a nomination with its
criteria checklist, evidence, events and the steps the user may take; the honour kinds (read only).
Thin: forms validate, services act and refuse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.views import View

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectActionView, ObjectDetailView, ObjectListView, RoleRequiredMixin
from gonghui.orgs.models import Ownership

from . import criteria as criteria_registry
from . import rounds
from .kinds import ensure_honour_kinds
from .models import (
    HonourKind,
    Nomination,
    NominationEvidence,
    NominationStatus,
    Round,
    RoundStatus,
)
from .rounds_filters import RoundFilterSet
from .rounds_forms import (
    BatchForm,
    EvidenceForm,
    NameForm,
    NominationForm,
    NoteForm,
    NoticeForm,
    QuotaForm,
    ReasonForm,
    RoundForm,
    SendForm,
)
from .rounds_tables import RoundTable

STATUS_ORDER = [
    NominationStatus.PENDING,
    NominationStatus.DRAFT,
    NominationStatus.SELECTED,
    NominationStatus.NAMED,
    NominationStatus.REJECTED,
    NominationStatus.WITHDRAWN,
]


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class RoundListView(ObjectListView):
    """评选: the rounds issued in the user's subtree and those of the unions above (to recommend into)."""

    model = Round
    filterset_class = RoundFilterSet
    table_class = RoundTable
    title = "评选推荐"
    subtitle = "本单位及下级单位发起的评选，以及上级工会发起、本单位可以推荐的评选"
    add_url_name = "honours:round-create"

    def get_base_queryset(self):
        return rounds.visible_rounds(self.request.user).select_related("kind", "issuer")


class RoundDetailView(ObjectDetailView):
    model = Round
    template_name = "honours/round_detail.html"

    def get_queryset(self):
        return rounds.visible_rounds(self.request.user).select_related("kind", "issuer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_, user = self.object, self.request.user
        node = home_node(user)
        noms = list(
            Nomination.objects.visible_to(user)
            .filter(round=round_)
            .select_related("nominated_by", "at_unit")
            .order_by("nominated_by__path", "pk")
        )
        labels = dict(NominationStatus.choices)
        groups = []
        for status in STATUS_ORDER:
            rows = [n for n in noms if n.status == status]
            if rows:
                groups.append({"status": status, "label": labels[status], "rows": rows})
        owners = dict(Ownership.choices)
        for n in noms:
            n.tally = criteria_registry.summary(n.criteria)
            n.ownership_label = owners.get(n.ownership, "")

        # Quotas: the issuer (and above) sees every sub-unit's; a unit below only its own branch's.
        issuer_side = node is not None and round_.issuer.path.startswith(node.path)
        quota_rows = []
        for q in round_.quotas.select_related("unit").order_by("unit__path"):
            if issuer_side or (node is not None and node.path.startswith(q.unit.path)):
                quota_rows.append(
                    {"unit": q.unit, "quota": q.quota, "used": rounds.sent_up(round_, q.unit).count()}
                )
        selected = round_.nominations.filter(status__in=[NominationStatus.SELECTED, NominationStatus.NAMED])
        # Shares: of what this unit has sent up (the issuer: of its selection and what waits at it).
        if node is not None and node.pk == round_.issuer_id:
            share_base = list(
                round_.nominations.filter(status__in=[NominationStatus.SELECTED, NominationStatus.NAMED])
            ) + [n for n in noms if n.status == NominationStatus.PENDING and n.at_unit_id == node.pk]
            share_who = "拟命名及待本单位审核的推荐对象"
        elif node is not None and node.path.startswith(round_.issuer.path):
            share_base = list(rounds.sent_up(round_, node))
            share_who = "本单位已上报的推荐对象"
        else:
            share_base, share_who = [], ""
        waiting = [
            n for n in noms if n.status == NominationStatus.PENDING and node and n.at_unit_id == node.pk
        ]
        context.update(
            groups=groups,
            total=len(noms),
            quota_rows=quota_rows,
            selected_count=selected.count(),
            shares=rounds.share_report(share_base, round_.kind.shares),
            share_who=share_who,
            may_nominate=rounds.may_nominate(user, round_),
            manage=rounds.may_manage_round(user, round_),
            waiting=waiting,
        )
        if waiting and user.can_edit:
            ids = Nomination.objects.filter(pk__in=[n.pk for n in waiting])
            context["batch_form"] = BatchForm(queryset=ids)
            context["batch_is_select"] = node.pk == round_.issuer_id
        if context["manage"]:
            if round_.status == RoundStatus.OPEN:
                context.update(quota_form=QuotaForm(round_=round_), notice_form=NoticeForm())
            if round_.status == RoundStatus.NOTICE:
                context["name_form"] = NameForm()
        return context


class RoundCreateView(RoleRequiredMixin, View):
    """发起评选: a round of a kind the user's union may issue."""

    required_role = "can_edit"
    template_name = "honours/round_form.html"

    def _node(self, request):
        node = home_node(request.user)
        if node is None:
            raise PermissionDenied("您的账号未关联工会组织，不能发起评选")
        return node

    def get(self, request):
        self._node(request)
        ensure_honour_kinds()
        return render(request, self.template_name, {"form": RoundForm(user=request.user)})

    def post(self, request):
        self._node(request)
        form = RoundForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                round_ = rounds.create_round(actor=request.user, ip=client_ip(request), **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已发起评选")
                return redirect(round_.get_absolute_url())
        return render(request, self.template_name, {"form": form})


class RoundActionView(ObjectActionView):
    """POST one step on a round the user sees (from below too: a county forwards within its city's)."""

    model = Round


class QuotaView(RoundActionView):
    done = "已分配名额"

    def form(self, obj, request):
        self.quota_form = QuotaForm(request.POST, round_=obj)
        return self.quota_form

    def act(self, obj, data, request):
        rounds.set_quotas(obj, self.quota_form.quotas(), actor=request.user, ip=client_ip(request))


class BatchView(RoundActionView):
    """推荐上报 (a level) or 确定拟命名 (the issuer) of the nominations waiting at the user's unit."""

    def form(self, obj, request):
        node = home_node(request.user)
        waiting = Nomination.objects.filter(round=obj, status=NominationStatus.PENDING, at_unit=node)
        return BatchForm(request.POST, queryset=waiting)

    def act(self, obj, data, request):
        node = home_node(request.user)
        kwargs = dict(
            actor=request.user, acknowledge_shares=data["acknowledge_shares"], ip=client_ip(request)
        )
        if node is not None and node.pk == obj.issuer_id:
            rounds.select(data["nominations"], **kwargs)
            self.done = f"已确定 {len(data['nominations'])} 个拟命名对象"
        else:
            rounds.forward(data["nominations"], **kwargs)
            self.done = f"已上报 {len(data['nominations'])} 个推荐对象"


class NoticeView(RoundActionView):
    form_class = NoticeForm
    done = "已发布公示"

    def act(self, obj, data, request):
        rounds.open_notice(
            obj, actor=request.user, start=data["start"], end=data["end"], ip=client_ip(request)
        )


class NameView(RoundActionView):
    form_class = NameForm
    done = "已命名"

    def act(self, obj, data, request):
        titles = rounds.name(
            obj,
            actor=request.user,
            document_number=data["document_number"],
            named_on=data["named_on"],
            ip=client_ip(request),
        )
        self.done = f"已命名 {len(titles)} 个"


class NominationCreateView(RoleRequiredMixin, View):
    """推荐: a subject of the user's subtree into the round."""

    required_role = "can_edit"
    template_name = "honours/nomination_form.html"

    def _round(self, request, pk) -> Round:
        round_ = get_object_or_404(
            rounds.visible_rounds(request.user).select_related("kind", "issuer"), pk=pk
        )
        if not rounds.may_nominate(request.user, round_):
            if round_.status != RoundStatus.OPEN:
                raise PermissionDenied(f"评选已{round_.get_status_display()}，不能再推荐")
            raise PermissionDenied("评选单位不推荐本次评选的对象，请由下级单位推荐")
        return round_

    def get(self, request, pk):
        round_ = self._round(request, pk)
        form = NominationForm(user=request.user, round_=round_)
        return render(request, self.template_name, {"form": form, "round": round_})

    def post(self, request, pk):
        round_ = self._round(request, pk)
        form = NominationForm(request.POST, user=request.user, round_=round_)
        if form.is_valid():
            subject = {form.subject_field: form.cleaned_data["subject"]}
            try:
                nomination = rounds.nominate(
                    round_,
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                    ip=client_ip(request),
                    **subject,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已推荐，条件已按评选的核定日期核定；请上传佐证材料后报送")
                return redirect(nomination.get_absolute_url())
        return render(request, self.template_name, {"form": form, "round": round_})


class NominationDetailView(ObjectDetailView):
    model = Nomination
    template_name = "honours/nomination_detail.html"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("round__kind", "round__issuer", "nominated_by", "at_unit")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nom, user = self.object, self.request.user
        labels = dict(NominationStatus.choices)
        events = list(nom.events.select_related("actor", "unit"))
        for event in events:
            event.from_label = labels.get(event.from_status, "")
            event.to_label = labels.get(event.to_status, "")
        evidence = list(nom.evidence.select_related("uploaded_by"))
        by_item = {}
        for ev in evidence:
            by_item.setdefault(ev.criterion, []).append(ev)
        checklist = [{**c, "files": by_item.get(c["code"], [])} for c in nom.criteria]
        round_ = nom.round
        context.update(
            checklist=checklist,
            tally=criteria_registry.summary(nom.criteria),
            evidence=evidence,
            events=events,
            round_visible=rounds.visible_rounds(user).filter(pk=round_.pk).exists(),
            has_shares=bool(round_.kind.shares),
        )
        title = getattr(nom, "title", None) if nom.status == NominationStatus.NAMED else None
        context["title_obj"] = title
        if title is not None:
            try:  # the title's page belongs to the holders' database (its URL may not be wired yet)
                context["title_url"] = title.get_absolute_url()
            except NoReverseMatch:
                context["title_url"] = ""
        nominator, reviewer = rounds.is_nominator(user, nom), rounds.is_reviewer(user, nom)
        node = home_node(user)
        if nom.status == NominationStatus.DRAFT and nominator:
            context.update(
                evidence_form=EvidenceForm(nomination=nom), submit_form=SendForm(), withdraw_form=NoteForm()
            )
        if nom.status == NominationStatus.PENDING:
            if nominator:
                context["withdraw_form"] = NoteForm()
            if reviewer:
                context.update(evidence_form=EvidenceForm(nomination=nom), reject_form=ReasonForm())
                if node.pk == round_.issuer_id:
                    context["select_form"] = SendForm()
                else:
                    context["forward_form"] = SendForm()
        if nom.status == NominationStatus.SELECTED and reviewer and round_.status != RoundStatus.NAMED:
            context["reject_form"] = ReasonForm()
        return context


class NominationActionView(ObjectActionView):
    model = Nomination
    form_class = NoteForm


class EvidenceUploadView(NominationActionView):
    done = "已上传佐证材料"

    def form(self, obj, request):
        return EvidenceForm(request.POST, request.FILES, nomination=obj)

    def act(self, obj, data, request):
        rounds.add_evidence(
            obj, data["file"], actor=request.user, criterion=data["criterion"], ip=client_ip(request)
        )


class SubmitView(NominationActionView):
    form_class = SendForm
    done = "已报送上级审核"

    def act(self, obj, data, request):
        rounds.submit(
            obj, actor=request.user, acknowledge_shares=data["acknowledge_shares"], ip=client_ip(request)
        )


class ForwardView(NominationActionView):
    form_class = SendForm
    done = "已推荐上报"

    def act(self, obj, data, request):
        rounds.forward(
            [obj], actor=request.user, acknowledge_shares=data["acknowledge_shares"], ip=client_ip(request)
        )


class SelectView(NominationActionView):
    form_class = SendForm
    done = "已确定为拟命名对象"

    def act(self, obj, data, request):
        rounds.select(
            [obj], actor=request.user, acknowledge_shares=data["acknowledge_shares"], ip=client_ip(request)
        )


class RejectView(NominationActionView):
    form_class = ReasonForm
    done = "已退回（不予推荐）"

    def act(self, obj, data, request):
        rounds.reject(obj, actor=request.user, reason=data["reason"], ip=client_ip(request))


class WithdrawView(NominationActionView):
    done = "已撤回推荐"

    def act(self, obj, data, request):
        rounds.withdraw(obj, actor=request.user, reason=data["reason"], ip=client_ip(request))


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A nomination's evidence file, decrypted for a user who sees the nomination; every download audited."""

    model = NominationEvidence

    def get(self, request, pk):
        evidence = get_object_or_404(
            NominationEvidence.objects.filter(
                nomination__in=Nomination.objects.visible_to(request.user)
            ).select_related("nomination"),
            pk=pk,
        )
        audit.record(
            request,
            AuditEvent.Action.DOWNLOAD,
            evidence.nomination,
            detail=f"下载推荐佐证材料「{evidence.name}」",
        )
        return sealed_response(evidence.file, evidence.name)


class KindListView(LoginRequiredMixin, View):
    """荣誉类型: the kinds as data (reference data, the same for every node), read only."""

    def get(self, request):
        if home_node(request.user) is None:
            raise PermissionDenied("您的账号未关联工会组织")
        ensure_honour_kinds()
        rows = []
        for kind in HonourKind.objects.all():
            shares = "、".join(f"{s['label']}不低于{s['min_percent']}%" for s in kind.shares)
            rows.append(
                {
                    "kind": kind,
                    "criteria": [
                        (c.get("label") or c["code"], "自动核定" if c.get("source") == "auto" else "佐证材料")
                        for c in kind.criteria
                    ],
                    "shares": shares,
                }
            )
        return render(request, "honours/round_kinds.html", {"title": "荣誉类型", "rows": rows})
