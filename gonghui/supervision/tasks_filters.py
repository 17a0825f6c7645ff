"""The filters of the task list (page, export and API): year, plan, assignee, status (逾期 included,
derived from the deadline), lead department."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.orgs.filters import SubtreeFilter

from .models import OVERDUE_LABEL, Department, Task, TaskStatus, WorkPlan

STATUS_CHOICES = [*TaskStatus.choices, ("overdue", OVERDUE_LABEL)]


class TaskFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="任务关键字", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="plan_task__plan__year", min_value=2000, max_value=2100
    )
    plan = django_filters.ModelChoiceFilter(
        label="工作计划", field_name="plan_task__plan", queryset=WorkPlan.objects.all()
    )
    assignee = SubtreeFilter(label="承办单位", path_lookup="assignee__path")
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, method="filter_status")
    department = django_filters.ModelChoiceFilter(
        label="牵头部门", field_name="lead_departments", queryset=Department.objects.all()
    )

    class Meta:
        model = Task
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(title__icontains=text) if text else qs

    def filter_status(self, qs, name, value):
        if value == "overdue":
            return qs.overdue()
        if value in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED):
            # As users read the list: an overdue task shows as 逾期, not under its stored status.
            return qs.filter(status=value).exclude(deadline__lt=timezone.localdate())
        return qs.filter(status=value) if value else qs


def plans_of_tasks(user):
    """The plans a user's tasks come from (a county's copies come from the city's plan, which lies
    outside its subtree) and the plans of its subtree."""
    return (
        WorkPlan.objects.filter(points__tasks__in=Task.objects.visible_to(user))
        | WorkPlan.objects.visible_to(user)
    ).distinct()


_init = TaskFilterSet.__init__


def _scoped_init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    user = getattr(self.request, "user", None)
    self.filters["plan"].queryset = self.form.fields["plan"].queryset = plans_of_tasks(user)


TaskFilterSet.__init__ = _scoped_init  # type: ignore[method-assign]
