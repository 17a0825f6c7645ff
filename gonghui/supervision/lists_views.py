"""Pages of the three lists (问题清单、责任清单、任务清单) and the 挂图作战 board: the problem list, a
problem with its responsibilities, tasks, events and the forms of the steps the user may take, the
problem form, the board, the county's Excel export. Thin: forms validate, services act."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.scope import home_node
from gonghui.core.views import ObjectActionView, ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin
from gonghui.orgs.models import UnionOrg

from . import problems
from .board import PROBLEM_COLUMNS, TASK_COLUMNS, BoardRow, build_board
from .counties import county_level_unions, is_county_level
from .lists_export import lists_workbook
from .lists_filters import ProblemFilterSet
from .lists_forms import ProblemForm, ProblemTaskForm, ResponsibilityForm
from .lists_tables import ProblemTable
from .models import Problem, Task, TaskStatus
from .tasks_forms import NoteForm, ReasonForm


def _with_task_counts(qs):
    return qs.annotate(
        task_count=Count("tasks", distinct=True),
        done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
    )


class ProblemListView(ObjectListView):
    """问题清单: the county's own problems; a union above it sees its counties'."""

    model = Problem
    filterset_class = ProblemFilterSet
    table_class = ProblemTable
    title = "三清单"
    subtitle = "县级工会的问题清单及其责任清单、任务清单；问题的整改任务全部销号后方可销号"
    add_url_name = "supervision:problem-add"
    extra_actions_template = "supervision/_lists_actions.html"

    def get_base_queryset(self):
        return _with_task_counts(super().get_base_queryset().select_related("union", "supervisor")).order_by(
            "union__path", "-found_on", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = None
        if self.filterset.is_bound and self.filterset.is_valid():
            county = self.filterset.form.cleaned_data.get("county")
        node = home_node(self.request.user)
        if county is None and node is not None and is_county_level(node):
            county = node
        context["export_county"] = county
        return context


class ProblemDetailView(ObjectDetailView):
    model = Problem
    template_name = "supervision/problem_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("union", "supervisor", "closed_by", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem, user = self.object, self.request.user
        labels = dict(Problem.Status.choices) | dict(TaskStatus.choices)
        events = list(problem.events.select_related("actor"))
        for event in events:
            event.from_label = labels.get(event.from_status, "")
            event.to_label = labels.get(event.to_status, "")
        today = timezone.localdate()
        task_rows = list(problem.tasks.select_related("issuer", "assignee").order_by("deadline", "pk"))
        visible = set(Task.objects.visible_to(user).filter(problem=problem).values_list("pk", flat=True))
        for task in task_rows:
            task.label = task.status_label(today)
            task.late = task.is_overdue(today)
            task.linked = task.pk in visible
        is_open = problem.status == Problem.Status.OPEN
        context.update(
            events=events,
            responsibilities=problem.responsibilities.select_related("department__union", "union"),
            task_rows=task_rows,
            is_open=is_open,
            can_edit_problem=is_open and problems.may_manage(user, problem),
        )
        if is_open and problems.may_manage(user, problem):
            context.update(
                responsibility_form=ResponsibilityForm(problem=problem), task_form=ProblemTaskForm()
            )
        if problems.may_close(user, problem):
            if is_open:
                context["close_form"] = NoteForm()
                context["close_refusal"] = problems.open_tasks_refusal(problem)
            else:
                context["reopen_form"] = ReasonForm()
        return context


class ProblemEditView(ObjectEditView):
    """登记问题 (no pk) or change an open problem's own fields; the services write event and audit."""

    model = Problem
    form_class = ProblemForm

    def save_form(self, form):
        return form.save_service(ip=client_ip(self.request))

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:  # the state changed since the form was read
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


class ProblemActionView(ObjectActionView):
    """POST one step on a problem the user sees; the service decides whether the user may take it (403)
    and whether the problem's state allows it (the reason shown on its page)."""

    model = Problem
    form_class: type = NoteForm


class ResponsibilityAddView(ProblemActionView):
    done = "已填写责任清单"

    def form(self, problem, request):
        if not problems.may_manage(request.user, problem):
            raise PermissionDenied("只有本县级工会或上级工会可以填写责任清单")
        return ResponsibilityForm(request.POST, problem=problem)

    def act(self, problem, data, request):
        problems.add_responsibility(
            problem,
            actor=request.user,
            department=data["department"],
            union=data["union"],
            lead_title=data["lead_title"],
            note=data["note"],
            ip=client_ip(request),
        )


class ProblemTaskAddView(ProblemActionView):
    form_class = ProblemTaskForm
    done = "已下达整改任务"

    def act(self, problem, data, request):
        problems.add_problem_task(
            problem,
            actor=request.user,
            title=data["title"],
            content=data["content"],
            deadline=data["deadline"],
            ip=client_ip(request),
        )


class ProblemCloseView(ProblemActionView):
    done = "问题已销号"

    def act(self, problem, data, request):
        problems.close_problem(problem, actor=request.user, note=data["note"], ip=client_ip(request))


class ProblemReopenView(ProblemActionView):
    form_class = ReasonForm
    done = "已重新打开问题"

    def act(self, problem, data, request):
        problems.reopen_problem(problem, actor=request.user, reason=data["reason"], ip=client_ip(request))


class BoardView(ScopedMixin, TemplateView):
    """挂图作战: the county-level unions of the user's subtree × status, each count a link to its items."""

    template_name = "supervision/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        node = home_node(user)
        if node is None:
            raise PermissionDenied("您的账号未归属任何工会，没有可查看的县级工会")
        board = build_board(
            node,
            problems=Problem.objects.visible_to(user),
            tasks=Task.objects.visible_to(user),
        )
        lists = (reverse("supervision:problem-list"), reverse("supervision:task-list"))
        context.update(
            board=board,
            problem_columns=PROBLEM_COLUMNS,
            task_columns=TASK_COLUMNS,
            rows=[{"union": row.union, "cells": _cells(row, row.union, lists)} for row in board.rows],
            total={"cells": _cells(board.total, None, lists)},
            # Problems sit on county-level unions only (register_problem), so the total is all of them.
            overdue_problems=board.total.problems["overdue"],
        )
        return context


def _cells(row: BoardRow, county: UnionOrg | None, lists: tuple[str, str]) -> str:
    """The row's count cells, each count a link to the list that shows its items (the problem list, the
    task list, filtered the same way). Built here, not in the template: 104 rows × 8 cells."""
    problem_list, task_list = lists
    where = f"&county={county.pk}" if county is not None else ""
    assignee = f"&assignee={county.pk}" if county is not None else ""
    parts = []
    for key, _label in PROBLEM_COLUMNS:
        query = "overdue=true" if key == "overdue" else f"status={key}"
        parts.append(_cell(row.problems[key], f"{problem_list}?{query}{where}", key == "overdue", county))
    for key, _label in TASK_COLUMNS:
        parts.append(_cell(row.tasks[key], f"{task_list}?status={key}{assignee}", key == "overdue", county))
    # Safe: numbers, and URLs made of reversed names, fixed keys and pks (escaped all the same).
    return mark_safe("".join(parts))


def _cell(n: int, url: str, late: bool, county: UnionOrg | None) -> str:
    if not n:
        return '<td><span class="text-secondary">0</span></td>'
    if county is None:  # the total row: figures only
        return f'<td class="fw-bold">{n}</td>'
    css = ' class="text-danger fw-bold"' if late else ""
    return f'<td><a href="{escape(url)}"{css}>{n}</a></td>'


class ListsExportView(LoginRequiredMixin, View):
    """三清单导出: a county's three lists in the layout federations print (one sheet per list); only a
    county-level union the user sees; every download audited."""

    model = UnionOrg

    def get(self, request, pk):
        node = home_node(request.user)
        counties = county_level_unions(node) if node is not None else UnionOrg.objects.none()
        county = get_object_or_404(counties.filter(pk__in=UnionOrg.objects.visible_to(request.user)), pk=pk)
        rows = Problem.objects.visible_to(request.user).filter(union__path__startswith=county.path)
        book, counts = lists_workbook(county, rows, as_of=timezone.localdate())
        audit.record(
            request,
            AuditEvent.Action.EXPORT,
            county,
            detail=f"导出三清单：问题 {counts[0]} 条、责任 {counts[1]} 条、任务 {counts[2]} 条",
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return FileResponse(book, as_attachment=True, filename=f"{county.name}三清单-{stamp}.xlsx")
