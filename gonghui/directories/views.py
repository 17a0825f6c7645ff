"""名录: editions and entries (lists and details), and the confirm page where a user answers the
uncertain matches side by side. Views are thin: the answers go through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from gonghui.core.net import client_ip
from gonghui.core.params import id_param, page_param
from gonghui.core.views import ObjectDetailView, ObjectListView, RoleRequiredMixin, ScopedMixin

from . import services
from .filters import DirectoryEditionFilterSet, DirectoryEntryFilterSet
from .models import DirectoryEdition, DirectoryEntry, MatchCandidate, MatchMethod
from .tables import DirectoryEditionTable, DirectoryEntryTable

CONFIRM_PAGE_SIZE = 20


class EntryListView(ObjectListView):
    model = DirectoryEntry
    filterset_class = DirectoryEntryFilterSet
    table_class = DirectoryEntryTable
    title = "名录条目"
    subtitle = "其他部门提供的单位名录，与单位台账按信用代码、名称匹配"
    extra_actions_template = "directories/_actions.html"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("source", "region", "workplace")


class EntryDetailView(ObjectDetailView):
    model = DirectoryEntry
    template_name = "directories/entry_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "source", "region", "territory", "workplace", "first_edition", "last_edition", "confirmed_by"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["candidates"] = self.object.candidates.select_related("workplace__region", "decided_by")
        return context


class EditionListView(ObjectListView):
    model = DirectoryEdition
    filterset_class = DirectoryEditionFilterSet
    table_class = DirectoryEditionTable
    title = "名录版本"
    subtitle = "每次导入的名录为一个版本：来源、截至日期、文件及匹配结果"
    extra_actions_template = "directories/_actions.html"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("source", "scope")


class EditionDetailView(ObjectDetailView):
    model = DirectoryEdition
    template_name = "directories/edition_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("source", "scope", "imported_by", "import_job")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = DirectoryEntry.objects.visible_to(self.request.user).filter(last_edition=self.object)
        context["by_method"] = {
            row["match_method"]: row["n"] for row in entries.values("match_method").annotate(n=Count("id"))
        }
        context["methods"] = [(m.value, m.label, context["by_method"].get(m.value, 0)) for m in MatchMethod]
        context["pending"] = entries.filter(match_method=MatchMethod.UNCERTAIN).count()
        context["job_visible"] = (
            self.object.import_job_id is not None and self.request.user.pk == self.object.imported_by_id
        )
        return context


class ConfirmView(ScopedMixin, TemplateView):
    """待确认: each uncertain entry beside its candidate workplaces; confirm / reject / 「新单位」."""

    model = DirectoryEntry
    template_name = "directories/confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition_id = id_param(self.request, "edition", "版本")
        page_number = page_param(self.request)
        pending = MatchCandidate.objects.filter(decision=MatchCandidate.Decision.PENDING)
        entries = (
            self.get_queryset()
            .filter(match_method=MatchMethod.UNCERTAIN, is_listed=True)
            .filter(Q(candidates__decision=MatchCandidate.Decision.PENDING))
            .distinct()
            .select_related("source", "region", "last_edition")
            .prefetch_related(
                Prefetch(
                    "candidates",
                    queryset=pending.select_related("workplace__region", "workplace__governing_union"),
                    to_attr="pending_candidates",
                )
            )
            .order_by("-employees", "name", "pk")
        )
        if edition_id:
            entries = entries.filter(last_edition_id=edition_id)
            context["edition"] = (
                DirectoryEdition.objects.visible_to(self.request.user).filter(pk=edition_id).first()
            )
        paginator = Paginator(entries, CONFIRM_PAGE_SIZE)
        page = paginator.get_page(page_number)
        context.update(page=page, entries=page.object_list, total=paginator.count, title="名录匹配待确认")
        return context


class AnswerView(RoleRequiredMixin, View):
    """POST only: one answer of the confirm page, through its service, then back to the page."""

    required_role = "can_edit"
    permission_denied_message = "您的角色只能查看，不能确认匹配"
    model = MatchCandidate
    action = ""  # "confirm" | "reject"

    def post(self, request, pk: int):
        candidate = get_object_or_404(MatchCandidate.objects.visible_to(request.user), pk=pk)
        try:
            if self.action == "confirm":
                entry = services.confirm_candidate(candidate, actor=request.user, ip=client_ip(request))
                messages.success(request, f"已确认「{entry.name}」即单位「{candidate.workplace}」")
            else:
                entry = services.reject_candidate(candidate, actor=request.user, ip=client_ip(request))
                messages.success(request, f"已否定候选单位「{candidate.workplace}」")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValueError as exc:
            messages.warning(request, str(exc))
        return redirect(_back(request))


class MarkNewView(RoleRequiredMixin, View):
    required_role = "can_edit"
    permission_denied_message = "您的角色只能查看，不能确认匹配"
    model = DirectoryEntry

    def post(self, request, pk: int):
        entry = get_object_or_404(DirectoryEntry.objects.visible_to(request.user), pk=pk)
        services.mark_new(entry, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已确认「{entry.name}」为单位台账中没有的新单位")
        return redirect(_back(request))


def _back(request) -> str:
    """The confirm page the answer came from (its own path only, never another site)."""
    target = request.POST.get("next", "")
    confirm = reverse("directories:confirm")
    return target if target.startswith(confirm) and "//" not in target else confirm
