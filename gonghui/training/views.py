"""Pages of 教育培训: the session list (filters, export), a session with its attendance (head count or
roster, the roster import), the per-county person-times against the targets, and the cadres' last
training. Thin: the services change state, ``progress`` counts."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from gonghui.core.net import client_ip
from gonghui.core.params import date_param
from gonghui.core.scope import home_node
from gonghui.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
    ScopedMixin,
)
from gonghui.orgs.models import UnionOrg

from . import progress, services
from .filters import TrainingSessionFilterSet
from .forms import AttendeeForm, CancelForm, HeadcountForm, TrainingSessionForm
from .models import AttendanceMode, Attendee, SessionStatus, TrainingSession
from .tables import TrainingSessionTable


class PersonalMixin:
    """三员分立: the system, security and audit administrators read no person's record (rosters, cadres)."""

    required_role = "reads_personal_data"
    permission_denied_message = "系统管理员、安全管理员和审计管理员不能查看参训人员信息（三员分立）"


class SessionListView(ObjectListView):
    model = TrainingSession
    filterset_class = TrainingSessionFilterSet
    table_class = TrainingSessionTable
    title = "培训班"
    add_url_name = "training:session-add"
    extra_actions_template = "training/_list_actions.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kind", "organiser")


class SessionDetailView(ObjectDetailView):
    model = TrainingSession
    template_name = "training/session_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "organiser")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.object
        user = self.request.user
        roster = session.mode == AttendanceMode.ROSTER
        context.update(
            events=session.events.select_related("actor"),
            is_roster=roster,
            # The roster is personal data: not for a role that reads none (三员分立).
            attendees=Attendee.objects.visible_to(user).filter(session=session).select_related("member")
            if roster
            else [],
            editable=user.can_edit and session.status == SessionStatus.HELD,
            headcount_form=HeadcountForm(initial={"headcount": session.headcount}),
            attendee_form=AttendeeForm(),
            cancel_form=CancelForm(),
        )
        return context


class SessionEditView(ObjectEditView):
    model = TrainingSession
    form_class = TrainingSessionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.TrainingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


class _Step(ObjectActionView):
    model = TrainingSession
    edit_role_required = True
    service_errors = (services.TrainingError,)

    def post(self, request, pk):
        if getattr(self, "required_role", "") and not getattr(request.user, self.required_role):
            raise PermissionDenied(self.permission_denied_message)
        return super().post(request, pk)


class HeadcountView(_Step):
    form_class = HeadcountForm
    done = "已登记参训人数"

    def act(self, obj, data, request):
        services.set_headcount(obj, data["headcount"], request.user, client_ip(request))


class AddAttendeeView(PersonalMixin, _Step):
    form_class = AttendeeForm
    done = "已增加参训人员"

    def act(self, obj, data, request):
        services.add_attendees(
            obj, [services.Person(data["id_number"], data["name"])], request.user, client_ip(request)
        )


class CancelView(_Step):
    form_class = CancelForm
    done = "已撤销该培训班"

    def act(self, obj, data, request):
        services.cancel(obj, request.user, data["note"], client_ip(request))


class RemoveAttendeeView(PersonalMixin, _Step):
    model = Attendee
    done = "已移除参训人员"

    def act(self, obj, data, request):
        services.remove_attendee(obj, request.user, client_ip(request))


# ----------------------------------------------------------------------------------- the figures


class ProgressView(LoginRequiredMixin, TemplateView):
    """培训完成情况: per county of the user's subtree, the person-times of each kind this year (up to the
    day) against the kind's yearly target, coloured; each cell opens the sessions behind it."""

    template_name = "training/progress.html"

    def get_context_data(self, **kwargs):
        day = date_param(self.request, "as_of", "统计日期", timezone.localdate())
        node = home_node(self.request.user)
        result = progress.person_times(node, day) if node is not None else None
        rows = []
        if result is not None:
            for row in result.rows:
                cells = []
                for kind in result.kinds:
                    done = row.of(kind)
                    target = kind.yearly_target
                    cells.append((kind, done, target, None if not target else done >= target))
                rows.append((row.county, cells))
        return {
            **super().get_context_data(**kwargs),
            "as_of": day,
            "start": result.start if result else None,
            "kinds": result.kinds if result else [],
            "rows": rows,
            "above": [(k, result.above.get(k.pk, 0)) for k in result.kinds] if result else [],
            "has_above": bool(result and any(result.above.values())),
            "node": node,
            "title": "培训完成情况",
        }


class CadreIndexView(PersonalMixin, RoleRequiredMixin, TemplateView):
    """干部轮训情况: per county, the cadres serving, trained within the period, overdue, never trained."""

    template_name = "training/cadre_index.html"

    def get_context_data(self, **kwargs):
        day = date_param(self.request, "as_of", "统计日期", timezone.localdate())
        node = home_node(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "as_of": day,
            "rows": progress.cadre_counts(node, day) if node is not None else [],
            "years": progress.training_settings.retrain_years(),
            "title": "工会干部轮训情况",
        }


class CadreCountyView(PersonalMixin, ScopedMixin, TemplateView):
    """One county (or any union the user sees): each cadre with the date last trained, overdue first."""

    model = UnionOrg
    template_name = "training/cadre_county.html"

    def get_context_data(self, **kwargs):
        union = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        day = date_param(self.request, "as_of", "统计日期", timezone.localdate())
        overdue_only = self.request.GET.get("overdue") == "1"
        rows = progress.cadres(union, day)
        shown = [r for r in rows if r.overdue] if overdue_only else rows
        shown.sort(key=lambda r: (not r.overdue, r.last_trained or dt.date.min))
        return {
            **super().get_context_data(**kwargs),
            "union": union,
            "as_of": day,
            "rows": shown,
            "total": len(rows),
            "overdue": sum(r.overdue for r in rows),
            "overdue_only": overdue_only,
            "years": progress.training_settings.retrain_years(),
            "title": f"{union.name} 工会干部轮训情况",
        }
