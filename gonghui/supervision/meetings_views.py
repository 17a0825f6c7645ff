"""Pages of the meetings register: the list (the user's county, or a federation's sub-units), a meeting,
the add / edit / delete forms of the county that held it, the scoped and audited minutes download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import meetings
from .meetings_filters import MeetingFilterSet
from .meetings_forms import MeetingForm
from .meetings_tables import MeetingTable
from .models import Meeting


def _own_meetings(user):
    """The meetings a user may change: those of the user's own union, when it is county-level."""
    node = home_node(user)
    if not meetings.may_record(user, node):
        return Meeting.objects.none()
    return Meeting.objects.visible_to(user).filter(union=node)


class MeetingListView(ObjectListView):
    """会议台账: a county's own meetings; a federation's: its county-level sub-units'."""

    model = Meeting
    filterset_class = MeetingFilterSet
    table_class = MeetingTable
    title = "会议台账"
    subtitle = "联席会议、厂务公开领导机构会议、三方四家会议；由召开会议的县级工会登记"
    add_url_name = "supervision:meeting-add"
    exportable = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("union").order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not meetings.may_record(self.request.user, home_node(self.request.user)):
            context["add_url_name"] = ""
        return context


class MeetingDetailView(ObjectDetailView):
    model = Meeting
    template_name = "supervision/meeting_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "recorded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = meetings.may_record(self.request.user, self.object.union)
        return context


class MeetingEditView(ObjectEditView):
    """登记 (no pk) or 修改 a meeting of the user's own county-level union."""

    model = Meeting
    form_class = MeetingForm

    def get_queryset(self):
        return _own_meetings(self.request.user)

    refusal = "只有县级工会可以登记本单位召开的会议，本单位不能登记"

    def may_add(self) -> bool:
        return meetings.may_record(self.request.user, home_node(self.request.user))

    def get(self, request, *args, **kwargs):
        # An administrator of another kind of union opens the page and is told why it cannot record.
        if "pk" not in kwargs and not self.may_add():
            messages.warning(request, self.refusal)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        if self.object is None and not self.may_add():
            form.add_error(None, self.refusal)
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)

    def save_form(self, form):
        kwargs = {
            "minutes": form.cleaned_data.get("minutes_file"),
            "actor": self.request.user,
            "ip": client_ip(self.request),
        }
        if self.object is None:
            return meetings.record_meeting(home_node(self.request.user), form.meeting_input(), **kwargs)
        return meetings.update_meeting(self.object, form.meeting_input(), **kwargs)


class MeetingDeleteView(ObjectDeleteView):
    model = Meeting
    success_url_name = "supervision:meeting-list"

    def get_queryset(self):
        return _own_meetings(self.request.user)

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            meeting = self.get_object(self.get_queryset().select_for_update())
            shown = str(meeting)
            meetings.delete_meeting(meeting, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已删除「{shown}」")
        return redirect(self.success_url_name)


class MinutesDownloadView(LoginRequiredMixin, View):
    """A meeting's minutes, decrypted for a user who sees the meeting; every download is audited."""

    model = Meeting

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting.objects.visible_to(request.user).exclude(minutes=""), pk=pk)
        audit.record(
            request, AuditEvent.Action.DOWNLOAD, meeting, detail=f"下载会议纪要「{meeting.minutes_name}」"
        )
        return sealed_response(meeting.minutes, meeting.minutes_name)
