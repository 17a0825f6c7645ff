"""结对共建 pages: the pairings of the user's subtree, a pairing with its activities (log one, end it), and
the form that pairs a model home with a grassroots union. Thin: forms validate, ``partnerships`` acts."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from gonghui.core.net import client_ip
from gonghui.core.views import ObjectDetailView, ObjectListView

from . import partnerships
from .grants_views import ActionView, ServiceEditView
from .manage_forms import ActivityForm, EndForm, PartnershipForm
from .manage_tables import PartnershipFilterSet, PartnershipTable
from .models import Partnership


class PartnershipListView(ObjectListView):
    model = Partnership
    filterset_class = PartnershipFilterSet
    table_class = PartnershipTable
    title = "结对共建"
    subtitle = "模范职工之家（小家）与基层工会结对，共建活动逐次登记"
    add_url_name = "honours:partnership-add"
    exportable = False  # a handful of pairings per county; the page is the record

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("holder__kind", "partner")
            .annotate(activity_count=Count("activities"))
            .order_by("-started_on", "id")
        )


class PartnershipDetailView(ObjectDetailView):
    model = Partnership
    template_name = "honours/partnership_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("holder__kind", "holder__node", "partner", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairing = self.object
        today = timezone.localdate()
        context.update(
            activities=list(pairing.activities.select_related("recorded_by")),
            can_manage=pairing.ended_on is None and partnerships.may_manage(self.request.user, pairing),
            activity_form=ActivityForm(initial={"on_date": today, "participants": 0}),
            end_form=EndForm(initial={"ended_on": today}),
        )
        return context


class PartnershipAddView(ServiceEditView):
    model = Partnership
    form_class = PartnershipForm

    def saved_message(self) -> str:
        return "已登记结对共建"


class ActivityAddView(ActionView):
    model = Partnership
    form_class = ActivityForm
    done = "已登记共建活动"

    def act(self, pairing, data, request):
        partnerships.log_activity(
            pairing,
            on_date=data["on_date"],
            content=data["content"],
            participants=data["participants"],
            actor=request.user,
            ip=client_ip(request),
        )


class PartnershipEndView(ActionView):
    model = Partnership
    form_class = EndForm
    done = "已结束结对"

    def act(self, pairing, data, request):
        partnerships.end(
            pairing,
            ended_on=data["ended_on"],
            note=data.get("note") or "",
            actor=request.user,
            ip=client_ip(request),
        )
