"""Pages of tasks (工作任务): the list, a task with its timeline, evidence and the forms of the steps the
user may take, the scoped and audited evidence download. Thin: forms validate, services act."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views import View

from gonghui.core import audit
from gonghui.core.files import sealed_response
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.views import ObjectActionView, ObjectDetailView, ObjectListView

from . import tasks
from .models import Department, Evidence, Task, TaskStatus, WorkPlan
from .tasks_filters import TaskFilterSet
from .tasks_forms import EvidenceForm, NoteForm, ProgressForm, ReasonForm
from .tasks_tables import TaskTable


class TaskListView(ObjectListView):
    """工作任务: the tasks addressed to the user's union and its sub-units' copies (a department user:
    those its departments lead)."""

    model = Task
    filterset_class = TaskFilterSet
    table_class = TaskTable
    title = "工作任务"
    subtitle = "本单位承办的任务和下级单位的任务副本；逾期按完成时限计算"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("assignee", "issuer")
            .prefetch_related(Prefetch("lead_departments", queryset=Department.objects.order_by("order")))
            .order_by("deadline", "pk")
        )


class TaskDetailView(ObjectDetailView):
    model = Task
    template_name = "supervision/task_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("assignee", "issuer", "plan_task__plan", "closed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task, user = self.object, self.request.user
        labels = dict(TaskStatus.choices)
        events = list(task.events.select_related("actor"))
        for event in events:
            event.from_label = labels.get(event.from_status, "")
            event.to_label = labels.get(event.to_status, "")
        plan = task.plan_task.plan if task.plan_task_id else None
        context.update(
            events=events,
            evidence=task.evidence.select_related("uploaded_by"),
            departments=task.lead_departments.all(),
            plan=plan,
            plan_visible=plan is not None and WorkPlan.objects.visible_to(user).filter(pk=plan.pk).exists(),
            status_label=task.status_label(),
            overdue=task.is_overdue(),
        )
        if tasks.may_work(user, task):
            context.update(progress_form=ProgressForm(), evidence_form=EvidenceForm(), submit_form=NoteForm())
            context["can_submit"] = task.status != TaskStatus.SUBMITTED
        if tasks.may_accept(user, task):
            if task.status == TaskStatus.SUBMITTED:
                context.update(accept_form=NoteForm(), return_form=ReasonForm())
            if task.status == TaskStatus.DONE:
                context["reopen_form"] = ReasonForm()
        return context


class TaskActionView(ObjectActionView):
    """POST one step on a task the user sees; the service decides whether the user may take it (403) and
    whether the task's state allows it (the reason shown on the task's page)."""

    model = Task
    form_class: type = NoteForm


class ProgressView(TaskActionView):
    form_class = ProgressForm
    done = "已填报进展"

    def act(self, task, data, request):
        tasks.add_progress(
            task, actor=request.user, on_date=data["on_date"], note=data["note"], ip=client_ip(request)
        )


class EvidenceUploadView(TaskActionView):
    form_class = EvidenceForm
    done = "已上传佐证材料"

    def act(self, task, data, request):
        tasks.add_evidence(task, data["file"], actor=request.user, note=data["note"], ip=client_ip(request))


class SubmitView(TaskActionView):
    done = "已提交销号，等待下达单位验收"

    def act(self, task, data, request):
        tasks.submit(task, actor=request.user, note=data["note"], ip=client_ip(request))


class AcceptView(TaskActionView):
    done = "已验收销号"

    def act(self, task, data, request):
        tasks.accept(task, actor=request.user, note=data["note"], ip=client_ip(request))


class ReturnView(TaskActionView):
    form_class = ReasonForm
    done = "已退回承办单位"

    def act(self, task, data, request):
        tasks.return_task(task, actor=request.user, reason=data["reason"], ip=client_ip(request))


class ReopenView(TaskActionView):
    form_class = ReasonForm
    done = "已重新打开任务"

    def act(self, task, data, request):
        tasks.reopen(task, actor=request.user, reason=data["reason"], ip=client_ip(request))


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A task's evidence file, decrypted for a user who sees the task; every download is audited."""

    model = Evidence

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(task__in=Task.objects.visible_to(request.user)).select_related("task"),
            pk=pk,
        )
        audit.record(
            request, AuditEvent.Action.DOWNLOAD, evidence.task, detail=f"下载佐证材料「{evidence.name}」"
        )
        return sealed_response(evidence.file, evidence.name)
