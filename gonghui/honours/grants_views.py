"""示范点补助 pages: the sites of grant-carrying kinds with their grants (year filter, totals by city,
approved against paid), the grant's page with its payment, and the POST steps approve / pay. Thin: forms
validate, ``grants`` acts. Also the small action base the other management pages share."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.views.generic import TemplateView

from gonghui.core.net import client_ip
from gonghui.core.params import int_param
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectActionView, ObjectDetailView, ObjectEditView

from . import grants
from .manage_forms import ApproveGrantForm, PayGrantForm
from .models import Grant, Title


class ActionView(ObjectActionView):
    """The management pages' POST steps: refused up front for read-only roles."""

    edit_role_required = True


class ServiceEditView(ObjectEditView):
    """Add / edit through a form whose ``save`` calls a service: the service's refusal (the state changed,
    nothing matched) is shown on the form, never a 500."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class GrantOverviewView(LoginRequiredMixin, TemplateView):
    """示范点补助: the demonstration sites the user sees, of a year, with their grants and the totals by
    city (approved against paid)."""

    template_name = "honours/grant_list.html"

    def get(self, request, *args, **kwargs):
        if home_node(request.user) is None:
            raise PermissionDenied("您的账号未分配所属工会")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = int_param(self.request, "year", min_value=1950, max_value=2100, label="年度")
        titles = list(grants.sites(user, year))
        rows, total = grants.totals_by_city(titles)
        years = sorted(set(grants.sites(user).values_list("year", flat=True)), reverse=True)
        can = {t.pk: grants.may_issue(user, t.kind, t.node) for t in titles}
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "years": years,
            "titles": [(t, can[t.pk]) for t in titles],
            "rows": rows,
            "total": total,
            "approve_form": ApproveGrantForm(initial={"approved_on": timezone.localdate()}),
        }


class GrantDetailView(ObjectDetailView):
    model = Grant
    template_name = "honours/grant_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("holder__kind", "holder__node", "approved_by", "paid_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grant = self.object
        context.update(
            can_pay=grant.status == Grant.Status.APPROVED
            and grants.may_issue(self.request.user, grant.holder.kind, grant.holder.node),
            pay_form=PayGrantForm(initial={"paid_on": timezone.localdate()}),
            events=grant.holder.events.select_related("actor").filter(action__in=("批准补助", "拨付补助")),
        )
        return context


class GrantApproveView(ActionView):
    model = Title
    form_class = ApproveGrantForm
    done = "已批准补助"

    def back(self, obj) -> str:
        grant = Grant.objects.filter(holder=obj).first()
        if grant is not None:
            return grant.get_absolute_url()
        from django.urls import reverse

        return reverse("honours:grant-list") + f"?year={obj.year}"

    def post(self, request, title_pk):
        return super().post(request, title_pk)

    def act(self, title, data, request):
        grants.approve_grant(
            title,
            approved_on=data["approved_on"],
            approval_document=data.get("approval_document") or "",
            amount=data.get("amount"),
            actor=request.user,
            ip=client_ip(request),
        )


class GrantPayView(ActionView):
    model = Grant
    form_class = PayGrantForm
    done = "已登记拨付"

    def act(self, grant, data, request):
        grants.pay_grant(
            grant,
            paid_on=data["paid_on"],
            voucher_number=data["voucher_number"],
            actor=request.user,
            ip=client_ip(request),
        )
