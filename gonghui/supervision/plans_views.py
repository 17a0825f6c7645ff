"""Pages of work plans and departments: plan list, a plan with its points, their copies and status
counts; plan and point forms; decomposition; the union's departments."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectDetailView, ObjectEditView, ObjectListView, RoleRequiredMixin

from . import plans
from .models import OVERDUE_LABEL, Department, PlanTask, Task, TaskStatus, WorkPlan
from .tasks_forms import DecomposeForm, DepartmentForm, PlanTaskForm, WorkPlanForm
from .tasks_tables import DepartmentTable, WorkPlanTable

STATUS_ORDER = [label for _v, label in TaskStatus.choices] + [OVERDUE_LABEL]


def issues_plan(user, plan: WorkPlan) -> bool:
    """Only the issuing union's administrators change a plan, its points and their decomposition."""
    node = home_node(user)
    return bool(user.can_edit) and node is not None and node.pk == plan.issuer_id


# ---------------------------------------------------------------------- plans
class WorkPlanListView(ObjectListView):
    model = WorkPlan
    table_class = WorkPlanTable
    filterset_class = None
    title = "工作计划"
    subtitle = "本单位和下级单位制定的年度工作计划（工作要点）"
    add_url_name = "supervision:plan-add"
    extra_actions_template = "supervision/_plan_import.html"
    exportable = False

    def get_filterset_class(self):
        from .plans_filters import WorkPlanFilterSet

        return WorkPlanFilterSet

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("issuer").annotate(point_count=Count("points"))


class WorkPlanEditView(ObjectEditView):
    model = WorkPlan
    form_class = WorkPlanForm

    def get_queryset(self):
        # A plan is changed by its issuer's administrators only.
        node = home_node(self.request.user)
        return super().get_queryset().filter(issuer=node) if node else WorkPlan.objects.none()


class WorkPlanDetailView(ObjectDetailView):
    model = WorkPlan
    template_name = "supervision/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        visible = Task.objects.visible_to(user).filter(plan_task__plan=plan).select_related("assignee")
        by_point: dict[int, list[Task]] = {}
        for task in visible.order_by("assignee__path"):
            by_point.setdefault(task.plan_task_id, []).append(task)
        points = []
        for point in plan.points.prefetch_related("lead_departments", "responsible_departments"):
            copies = by_point.get(point.pk, [])
            counts = Counter(t.status_label() for t in copies)
            points.append(
                {
                    "point": point,
                    "copies": copies,
                    "counts": [(label, counts[label]) for label in STATUS_ORDER if counts[label]],
                }
            )
        context.update(points=points, can_edit_plan=issues_plan(user, plan))
        return context


class PointEditView(ObjectEditView):
    """A point of a plan: added under the plan (``plan_pk``), edited by its own pk."""

    model = PlanTask
    form_class = PlanTaskForm

    def get_queryset(self):
        node = home_node(self.request.user)
        qs = super().get_queryset()
        return qs.filter(plan__issuer=node) if node and self.request.user.can_edit else qs.none()

    def get_plan(self) -> WorkPlan:
        if self.object is not None:
            return self.object.plan
        plan = get_object_or_404(WorkPlan.objects.visible_to(self.request.user), pk=self.kwargs["plan_pk"])
        if not issues_plan(self.request.user, plan):
            raise PermissionDenied("只有计划的制定单位可以修改计划任务")
        return plan

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.get_plan()
        return kwargs


class PointAddView(PointEditView):
    """The sweep's object for ``plans/<plan_pk>/points/add/`` is the plan."""

    model = PlanTask


class DecomposeView(RoleRequiredMixin, View):
    """分解: a point's copies to the chosen sub-units (or the issuer itself), each with its deadline."""

    model = PlanTask
    required_role = "can_edit"
    template_name = "supervision/decompose.html"

    def point(self, request, pk) -> PlanTask:
        point = get_object_or_404(
            PlanTask.objects.visible_to(request.user).select_related("plan__issuer"), pk=pk
        )
        if not issues_plan(request.user, point.plan):
            raise PermissionDenied("只有计划的制定单位可以分解任务")
        return point

    def get(self, request, pk):
        point = self.point(request, pk)
        return render(request, self.template_name, {"point": point, "form": DecomposeForm(point=point)})

    def post(self, request, pk):
        point = self.point(request, pk)
        form = DecomposeForm(request.POST, point=point)
        if form.is_valid():
            try:
                made = plans.decompose(
                    point, form.cleaned_data["assignments"], actor=request.user, ip=client_ip(request)
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已分解给 {len(made)} 个单位")
                return redirect(point.get_absolute_url())
        return render(request, self.template_name, {"point": point, "form": form}, status=400)


# ---------------------------------------------------------------------- departments
def _own_departments(user):
    node = home_node(user)
    return Department.objects.visible_to(user).filter(union=node) if node else Department.objects.none()


class DepartmentListView(ObjectListView):
    """部门: the user's own union's departments (a county manages its own)."""

    model = Department
    table_class = DepartmentTable
    title = "部门"
    subtitle = "本单位的部门（牵头部门、责任单位），停用的部门保留在原有任务上"
    add_url_name = "supervision:department-add"
    extra_actions_template = "supervision/_seed_departments.html"
    exportable = False

    def get_filterset_class(self):
        from .plans_filters import DepartmentFilterSet

        return DepartmentFilterSet

    def get_base_queryset(self):
        return _own_departments(self.request.user).prefetch_related("members")


class DepartmentEditView(ObjectEditView):
    model = Department
    form_class = DepartmentForm

    def get_queryset(self):
        return _own_departments(self.request.user)

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:department-list")


class SeedDepartmentsView(RoleRequiredMixin, View):
    """导入省总工会部门名单: the provincial federation's list added to the user's union."""

    required_role = "can_edit"

    def post(self, request):
        node = home_node(request.user)
        added = plans.seed_departments(node, actor=request.user)
        messages.success(request, f"已新增 {added} 个部门")
        return redirect("supervision:department-list")
