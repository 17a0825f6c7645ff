from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from gonghui.core.net import client_ip
from gonghui.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PersonalRevealView,
    ScopedMixin,
)

from . import services
from .filters import MemberFilterSet
from .forms import LeaveForm, MemberForm, ProvinceTransferForm, RetainForm, TransferForm
from .models import Member
from .tables import MemberTable


class NoSeparatedAdminMixin:
    """三员分立: the system, security and audit administrators read no member (a 403 that says why)."""

    required_role = "reads_personal_data"
    permission_denied_message = "系统管理员、安全管理员和审计管理员不能查看会员信息（三员分立）"


class MemberListView(NoSeparatedAdminMixin, ObjectListView):
    model = Member
    filterset_class = MemberFilterSet
    table_class = MemberTable
    add_url_name = "members:member-add"
    # Newest members first, the pk breaking ties (thousands join on one day); index member_join_date_id_cover.
    keyset_order = ("-join_date", "-pk")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("union", "new_form_group")


class MemberDetailView(NoSeparatedAdminMixin, ObjectDetailView):
    model = Member
    template_name = "members/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "workplace", "new_form_group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("union", "other_union", "actor").order_by(
            "-date", "-id"
        )
        return context


class MemberEditView(ObjectEditView):
    model = Member
    form_class = MemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


class MemberRevealView(NoSeparatedAdminMixin, PersonalRevealView):
    model = Member
    template_name = "members/_revealed.html"
    context_object_name = "member"


class MemberChangeView(ScopedMixin, FormView):
    """Transfer / retain / leave: one form, one service call, one transaction."""

    model = Member
    template_name = "members/member_change.html"
    title = ""
    required_role = "can_edit"

    def get_member(self):
        if not hasattr(self, "member"):
            self.member = get_object_or_404(self.get_queryset().select_related("union"), pk=self.kwargs["pk"])
        return self.member

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.get_member()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.get_member(), "title": self.title}

    def form_valid(self, form):
        try:
            self.apply(self.get_member(), form.cleaned_data)
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"已办理{self.title}：{self.member.name}")
        return redirect(self.member.get_absolute_url())


class MemberTransferView(MemberChangeView):
    form_class = TransferForm
    title = "会籍转接"

    def apply(self, member, data):
        services.transfer(
            member,
            data["to_union"],
            data["date"],
            actor=self.request.user,
            reason=data["reason"],
            workplace=data.get("workplace"),
            note=data["note"],
            ip=client_ip(self.request),
        )


class MemberProvinceTransferView(MemberChangeView):
    form_class = ProvinceTransferForm
    title = "转出至外省"

    def apply(self, member, data):
        services.transfer_out_of_province(
            member,
            data["province"],
            data["date"],
            actor=self.request.user,
            reason=data["reason"],
            note=data["note"],
            ip=client_ip(self.request),
        )


class MemberRetainView(MemberChangeView):
    form_class = RetainForm
    title = "保留会籍"

    def apply(self, member, data):
        services.retain(
            member,
            data["date"],
            data["reason"],
            actor=self.request.user,
            note=data["note"],
            ip=client_ip(self.request),
        )


class MemberLeaveView(MemberChangeView):
    form_class = LeaveForm
    title = "退会"

    def apply(self, member, data):
        services.leave(
            member,
            data["date"],
            data["reason"],
            actor=self.request.user,
            expel=data["expel"],
            note=data["note"],
            ip=client_ip(self.request),
        )
