import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from gonghui.core.net import client_ip
from gonghui.core.normalize import InvalidValue, normalize_date
from gonghui.core.params import ParamError
from gonghui.core.scope import home_node
from gonghui.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PersonalRevealView,
    ScopedMixin,
)
from gonghui.orgs.models import UnionKind, UnionOrg

from . import services, staffing
from .filters import UnionWorkerFilterSet
from .forms import AppraisalForm, GradeForm, StepForm, UnionWorkerForm
from .models import UnionWorker
from .tables import UnionWorkerTable


class PersonalMixin:
    """三员分立: the system, security and audit administrators read no person's record."""

    required_role = "reads_personal_data"
    permission_denied_message = "系统管理员、安全管理员和审计管理员不能查看工会工作者信息（三员分立）"


class WorkerListView(PersonalMixin, ObjectListView):
    model = UnionWorker
    filterset_class = UnionWorkerFilterSet
    table_class = UnionWorkerTable
    title = "工会工作者名册"
    add_url_name = "people:worker-add"
    extra_actions_template = "people/_list_actions.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("union", "post", "grade")


class WorkerDetailView(PersonalMixin, ObjectDetailView):
    model = UnionWorker
    template_name = "people/worker_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "post", "grade")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        worker = self.object
        context.update(
            events=worker.events.select_related("actor"),
            appraisals=worker.appraisals.select_related("grade", "appraiser"),
            appraisal_form=AppraisalForm(worker=worker, user=self.request.user),
            step_form=StepForm(),
            grade_form=GradeForm(),
        )
        return context


class WorkerEditView(ObjectEditView):
    model = UnionWorker
    form_class = UnionWorkerForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.StaffError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


class WorkerRevealView(PersonalMixin, PersonalRevealView):
    model = UnionWorker
    template_name = "people/_revealed.html"
    context_object_name = "worker"


class _Step(ObjectActionView):
    model = UnionWorker
    edit_role_required = True
    service_errors = (services.StaffError,)


class ProbationView(_Step):
    form_class = StepForm
    done = "已办理转正"

    def act(self, obj, data, request):
        services.pass_probation(obj, data["date"], request.user, data["note"], client_ip(request))


class GradeView(_Step):
    form_class = GradeForm
    done = "已调整补贴档次"

    def act(self, obj, data, request):
        services.change_grade(
            obj, data["grade"], data["date"], request.user, data["note"], client_ip(request)
        )


class LeaveView(_Step):
    form_class = StepForm
    done = "已办理离岗"

    def act(self, obj, data, request):
        services.leave(obj, data["date"], request.user, data["note"], client_ip(request))


class AppraiseView(_Step):
    form_class = AppraisalForm
    done = "已录入年度考核"

    def form(self, obj, request):
        return AppraisalForm(request.POST, worker=obj, user=request.user)

    def act(self, obj, data, request):
        services.appraise(
            obj,
            data["year"],
            data["grade"],
            data["appraiser"],
            request.user,
            data["note"],
            client_ip(request),
        )


# ------------------------------------------------------------------------------------------ staffing


def _day(request, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        value = normalize_date(raw)
    except InvalidValue as exc:
        raise ParamError(f"日期「{raw[:20]}」有误：{exc}") from None
    return value or default


def county_level(user):
    """The county-level unions (县级, and parks directly under a city) the user sees."""
    from django.db.models import Q

    q = Q(kind=UnionKind.COUNTY) | Q(kind=UnionKind.ZONE, parent__kind=UnionKind.CITY)
    return UnionOrg.objects.visible_to(user).filter(q, status=UnionOrg.Status.ACTIVE).order_by("path")


class StaffingIndexView(LoginRequiredMixin, TemplateView):
    """配备情况: the counties the user sees, each with its units needing a cadre and those lacking one."""

    template_name = "people/staffing_index.html"

    def get_context_data(self, **kwargs):
        day = _day(self.request, "as_of", timezone.localdate())
        rows = []
        for county in county_level(self.request.user):
            s = staffing.compute(county, day)
            rows.append((county, s.needing_count, s.covered_count, len(s.lacking)))
        node = home_node(self.request.user)
        return {**super().get_context_data(**kwargs), "rows": rows, "as_of": day, "node": node}


class StaffingCountyView(ScopedMixin, TemplateView):
    """One county: the rules, which units need a full-time cadre and have none, as of a day; the new
    staff by post in a period."""

    model = UnionOrg
    template_name = "people/staffing_county.html"

    def get_context_data(self, **kwargs):
        county = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        today = timezone.localdate()
        day = _day(self.request, "as_of", today)
        start = _day(self.request, "from", dt.date(today.year, 1, 1))
        end = _day(self.request, "to", today)
        if start > end:
            raise ParamError("统计期间的开始日期不能晚于结束日期")
        result = staffing.compute(county, day)
        new = staffing.new_staff(county, start, end)
        return {
            **super().get_context_data(**kwargs),
            "county": county,
            "s": result,
            "as_of": day,
            "start": start,
            "end": end,
            "new_staff": new,
            "new_total": sum(n for _, n in new),
            "title": f"{county.name} 工会工作者配备情况",
        }
