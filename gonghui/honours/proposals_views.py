"""职工代表提案 pages: the registry with filters and the counts of recommendations / selections per level,
a proposal with its nominations (the rounds it went through), add and edit. Thin: ``proposals`` acts."""

from __future__ import annotations

from django.urls import NoReverseMatch

from gonghui.core.params import int_param
from gonghui.core.views import ObjectDetailView, ObjectListView

from . import proposals, rounds
from .grants_views import ServiceEditView
from .manage_forms import ProposalForm
from .manage_tables import ProposalFilterSet, ProposalTable
from .models import Category, Nomination, Proposal, RoundStatus


def _url(obj) -> str:
    """The page of a round or nomination (the rounds' pages), or '' while they are not wired."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


class ProposalListView(ObjectListView):
    model = Proposal
    filterset_class = ProposalFilterSet
    table_class = ProposalTable
    title = "职工代表提案"
    subtitle = "提案人身份证号脱敏显示；推荐和评选通过“优秀职工代表提案”评选进行"
    add_url_name = "honours:proposal-add"
    template_name = "honours/proposal_list.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("workplace", "proposer")
            .order_by("-year", "node__path", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = int_param(self.request, "year", min_value=2000, max_value=2100, label="年度")
        user = self.request.user
        proposal_rounds = (
            rounds.visible_rounds(user).filter(kind__category=Category.PROPOSAL).select_related("kind")
        )
        context.update(
            level_counts=proposals.counts_per_level(user, year),
            counts_year=year,
            proposal_rounds=[(r, _url(r)) for r in proposal_rounds.order_by("-year", "issuer__path")[:10]],
        )
        return context


class ProposalDetailView(ObjectDetailView):
    model = Proposal
    template_name = "honours/proposal_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("workplace", "proposer", "node", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nominations = (
            Nomination.objects.visible_to(self.request.user)
            .filter(proposal=self.object)
            .select_related("round__kind", "nominated_by", "at_unit")
        )
        open_rounds = rounds.visible_rounds(self.request.user).filter(
            kind__category=Category.PROPOSAL, status=RoundStatus.OPEN, year__gte=self.object.year
        )
        context.update(
            nominations=[(n, _url(n), _url(n.round)) for n in nominations],
            open_rounds=[(r, _url(r)) for r in open_rounds.select_related("kind")],
        )
        return context


class ProposalAddView(ServiceEditView):
    model = Proposal
    form_class = ProposalForm


class ProposalEditView(ServiceEditView):
    model = Proposal
    form_class = ProposalForm
