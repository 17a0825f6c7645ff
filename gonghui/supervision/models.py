"""Supervision work (挂图作战、对账销号): how a federation drives the building work.

- :class:`Department` — a federation's departments (牵头部门 / 责任单位), reference data per union; the users
  who act for a department (部门用户) are its ``members``.
- :class:`WorkPlan` and :class:`PlanTask` — a year's work plan (工作要点) and its numbered points.
- :class:`Task` — one thing a union must get done by a date: a plan point's copy for a sub-unit
  (decomposition) or the issuer's own copy, or a task of a county's 任务清单 under a :class:`Problem`.
  Progress notes and every state change are :class:`TaskEvent` rows; :class:`Evidence` files are sealed
  at rest; a task closes (销号) only when its issuer accepts the evidence.
- :class:`Problem` (问题清单) with :class:`Responsibility` rows (责任清单) and its tasks (任务清单): the three
  lists of a county-level union; :class:`ProblemEvent` for every step.
- :class:`Pairing` (对口联系): a leader, department or industry union paired with a union for a year and a
  campaign; :class:`PairingVisit` rows (走访), which can raise problems.
- :class:`Meeting`: 联席会议, 厂务公开领导机构会议, 三方四家会议 held by a county-level union.

Rows hang in the union tree by the union that must act (a task's assignee, a problem's union, a
pairing's target, a meeting's union), so a county sees its own and the issuer sees its sub-units'.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gonghui.core.files import get_private_storage
from gonghui.core.models import ScopedModel, ScopedQuerySet, StepEvent, TimestampedModel, actor_fk


class Department(ScopedModel):
    """部门: a department of a federation (办公室, 组织部, 基层工作部 …) or a body that answers to it like one
    (an industry union, 职工服务中心). Per union, editable; inactive ones stay on old tasks."""

    scope_path = "union__path"

    union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="所属工会", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("部门名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="部门用户",
        blank=True,
        related_name="supervision_departments",
        help_text="以部门用户身份办理本部门牵头任务的账号",
    )

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["union", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "name"],
                name="supervision_department_unique_name",
                violation_error_message="本工会已有同名部门",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:department-edit", args=[self.pk])


class WorkPlan(ScopedModel, TimestampedModel):
    """工作计划 / 工作要点 of a federation for a year (e.g. 芜湖市总工会 2021 年工作要点)."""

    scope_path = "issuer__path"

    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="制定单位", on_delete=models.PROTECT, related_name="work_plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    document_number = models.CharField("文号", max_length=50, blank=True, help_text="如 芜工发〔2023〕1号")
    created_by = actor_fk("创建人")

    class Meta:
        verbose_name = verbose_name_plural = "工作计划"
        ordering = ["-year", "issuer", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:plan-detail", args=[self.pk])


class PlanTask(ScopedModel):
    """One numbered point of a plan (序号, 任务, 牵头部门, 责任单位, 完成时限)."""

    scope_path = "plan__issuer__path"

    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE, related_name="points"
    )
    number = models.CharField("序号", max_length=16)
    order = models.PositiveIntegerField("顺序", default=0)
    content = models.TextField("任务")
    lead_departments = models.ManyToManyField(
        Department, verbose_name="牵头部门", blank=True, related_name="led_points"
    )
    responsible_departments = models.ManyToManyField(
        Department, verbose_name="责任单位", blank=True, related_name="responsible_points"
    )
    responsible_text = models.CharField(
        "责任单位（其他）", max_length=200, blank=True, help_text="不属于本会部门的责任单位，如“各县区总工会”"
    )
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField(
        "完成时限（原文）", max_length=50, blank=True, help_text="如“6月底前”“全年”"
    )

    class Meta:
        verbose_name = verbose_name_plural = "计划任务"
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.content[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:plan-detail", args=[self.plan_id]) + f"#point-{self.pk}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    SUBMITTED = "submitted", "待销号"
    DONE = "done", "已完成"


# Shown in place of the stored status when the deadline has passed and the task is not done (derived,
# never stored: a task is overdue on the day after its deadline, whoever looks).
OVERDUE_LABEL = "逾期"


# The role value of 部门用户 (accounts.Role.DEPARTMENT), named here so that models need not import accounts.
DEPARTMENT_ROLE = "department"


def is_department_user(user) -> bool:
    return getattr(user, "role", "") == DEPARTMENT_ROLE and not getattr(user, "is_superuser", False)


class TaskQuerySet(ScopedQuerySet["Task"]):
    def visible_to(self, user) -> TaskQuerySet:
        """The user's subtree (by assignee); a department user (部门用户) only the tasks one of its
        departments leads — every list, detail, download and API path goes through here."""
        rows = super().visible_to(user)
        if is_department_user(user):
            led = Department.objects.filter(members=user).values("pk")
            rows = rows.filter(pk__in=Task.objects.filter(lead_departments__in=led).values("pk"))
        return rows

    def open(self) -> TaskQuerySet:
        return self.exclude(status=TaskStatus.DONE)

    def overdue(self, today: dt.date | None = None) -> TaskQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Task(ScopedModel, TimestampedModel):
    """A task addressed to one union (``assignee``), accepted (销号) by ``issuer``: a plan point's copy
    (``plan_task``) or a 任务清单 item under a problem (``problem``) — exactly one of the two."""

    scope_path = "assignee__path"

    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="下达单位", on_delete=models.PROTECT, related_name="issued_tasks"
    )
    assignee = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="承办单位", on_delete=models.PROTECT, related_name="supervision_tasks"
    )
    plan_task = models.ForeignKey(
        PlanTask,
        verbose_name="计划任务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    problem = models.ForeignKey(
        "Problem", verbose_name="问题", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField("任务", max_length=200)
    content = models.TextField("任务内容", blank=True)
    lead_departments = models.ManyToManyField(
        Department, verbose_name="牵头部门", blank=True, related_name="led_tasks"
    )
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED, db_index=True
    )
    submitted_at = models.DateTimeField("提交销号时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = actor_fk("销号人")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作任务"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["assignee", "status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_task__isnull=False, problem__isnull=True)
                | Q(plan_task__isnull=True, problem__isnull=False),
                name="supervision_task_one_source",
                violation_error_message="任务须来自工作计划或问题清单之一",
            ),
            models.UniqueConstraint(
                fields=["plan_task", "assignee"],
                condition=Q(plan_task__isnull=False),
                name="supervision_task_one_copy_per_unit",
                violation_error_message="该任务已分解到此单位",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:task-detail", args=[self.pk])

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return (
            self.status != TaskStatus.DONE
            and self.deadline is not None
            and self.deadline < (today or timezone.localdate())
        )

    def status_label(self, today: dt.date | None = None) -> str:
        return OVERDUE_LABEL if self.is_overdue(today) else self.get_status_display()


class TaskEvent(StepEvent):
    """Every step of a task (created, progress note, evidence, submitted, accepted, returned, reopened):
    who, when, from → to, the note; a progress note carries the date the work was done."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="events")
    on_date = models.DateField("进展日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务记录"
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action} {self.from_status}→{self.to_status}"


class Evidence(models.Model):
    """佐证材料: a file attached to a task, sealed at rest, served only through a scoped, audited view."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="supervision/evidence/%Y/%m/", storage=get_private_storage)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = actor_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["task", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Problem(ScopedModel, TimestampedModel):
    """问题清单 item of a county-level union: found on a date from a source, with a severity; closes
    (销号) only when all its tasks are done with evidence."""

    scope_path = "union__path"

    class Source(models.TextChoices):
        RESEARCH = "research", "调研"
        SUPERVISION = "supervision", "督导"
        VISIT = "visit", "对口联系走访"
        SELF_CHECK = "self_check", "自查"

    class Severity(models.TextChoices):
        GENERAL = "general", "一般"
        IMPORTANT = "important", "较重"
        SERIOUS = "serious", "严重"

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已销号"

    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="所属工会",
        on_delete=models.PROTECT,
        related_name="supervision_problems",
    )
    supervisor = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="督导单位",
        on_delete=models.PROTECT,
        related_name="supervised_problems",
        help_text="验收本问题整改任务的上级工会",
    )
    source = models.CharField("问题来源", max_length=16, choices=Source.choices)
    description = models.TextField("问题描述")
    found_on = models.DateField("发现日期")
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    visit = models.ForeignKey(
        "PairingVisit",
        verbose_name="来源走访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = actor_fk("销号人")
    created_by = actor_fk("登记人")

    class Meta:
        verbose_name = verbose_name_plural = "问题清单"
        ordering = ["union", "-found_on", "id"]
        indexes = [models.Index(fields=["union", "status"])]

    def __str__(self) -> str:
        return self.description[:40]

    def get_absolute_url(self) -> str:
        return reverse("supervision:problem-detail", args=[self.pk])


class ProblemEvent(StepEvent):
    """Every step of a problem (registered, responsibility added, closed, reopened …)."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = verbose_name_plural = "问题记录"
        ordering = ["problem", "at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action}"


class Responsibility(models.Model):
    """责任清单 item: who answers for a problem — a department of a federation or a union — and the lead
    person by title (never a personal name is needed: 分管副主席, 基层工作部部长 …)."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="responsibilities"
    )
    department = models.ForeignKey(
        Department, verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="责任工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_title = models.CharField("牵头负责人（职务）", max_length=50)
    note = models.CharField("责任内容", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "责任清单"
        ordering = ["problem", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(union__isnull=False),
                name="supervision_responsibility_has_owner",
                violation_error_message="责任清单须写明责任部门或责任工会",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department or self.union}：{self.lead_title}"


class Pairing(ScopedModel):
    """对口联系: a leader (by title), a department or an industry union of ``issuer`` paired with a union
    (county-level, or a city / key enterprise in a campaign) for a year."""

    scope_path = "target__path"

    class ContactKind(models.TextChoices):
        LEADER = "leader", "领导"
        DEPARTMENT = "department", "部门"
        INDUSTRY_UNION = "industry_union", "产业（行业）工会"

    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="联系方（工会）", on_delete=models.PROTECT, related_name="pairings_made"
    )
    year = models.PositiveSmallIntegerField("年度")
    campaign = models.CharField("专项工作", max_length=100, blank=True, help_text="如“县级工会加强年”")
    contact_kind = models.CharField("联系人类别", max_length=16, choices=ContactKind.choices)
    contact = models.CharField("联系人（部门）", max_length=100, help_text="领导写职务，如“省总领导 1”")
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    target = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="对口联系单位", on_delete=models.PROTECT, related_name="pairings"
    )

    class Meta:
        verbose_name = verbose_name_plural = "对口联系"
        ordering = ["-year", "issuer", "contact", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "campaign", "contact", "target"],
                name="supervision_pairing_unique",
                violation_error_message="该联系人已与此单位结对",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:pairing-detail", args=[self.pk])


class PairingVisit(ScopedModel):
    """走访: a paired contact's visit to the union — date, who went, what was found."""

    scope_path = "pairing__target__path"

    pairing = models.ForeignKey(
        Pairing, verbose_name="对口联系", on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200, help_text="写职务或部门")
    findings = models.TextField("发现的问题和情况", blank=True)
    recorded_by = actor_fk("登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "对口联系走访"
        ordering = ["-visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.pairing}（{self.visited_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:pairing-detail", args=[self.pairing_id]) + f"#visit-{self.pk}"


class Meeting(ScopedModel, TimestampedModel):
    """A meeting a county-level union holds and the plans count: 联席会议 (with the government: issues
    raised and solved), 厂务公开领导机构会议, 三方四家会议 (each quarter)."""

    scope_path = "union__path"

    class Kind(models.TextChoices):
        JOINT = "joint", "联席会议"
        OPENNESS = "openness", "厂务公开领导机构会议"
        TRIPARTITE = "tripartite", "三方四家会议"

    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="召开单位",
        on_delete=models.PROTECT,
        related_name="supervision_meetings",
    )
    kind = models.CharField("会议类别", max_length=16, choices=Kind.choices)
    held_on = models.DateField("召开日期")
    title = models.CharField("会议名称", max_length=200)
    participants = models.CharField("参会单位", max_length=300, blank=True)
    issues_raised = models.PositiveSmallIntegerField("提出问题数", default=0)
    issues_solved = models.PositiveSmallIntegerField("解决问题数", default=0)
    issues = models.TextField("议定事项", blank=True)
    minutes = models.FileField(
        "会议纪要", upload_to="supervision/minutes/%Y/%m/", storage=get_private_storage, blank=True
    )
    minutes_name = models.CharField("纪要文件名", max_length=200, blank=True)
    recorded_by = actor_fk("登记人")

    class Meta:
        verbose_name = verbose_name_plural = "会议记录"
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["union", "kind", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(issues_solved__lte=models.F("issues_raised")),
                name="supervision_meeting_solved_le_raised",
                violation_error_message="解决问题数不能多于提出问题数",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:meeting-detail", args=[self.pk])


class ReminderSent(models.Model):
    """督导提醒 already sent: one row per reminder (its key names the thing and the period, e.g. a task's
    deadline or a union's quarter) and recipient, so that the daily run never sends the same one twice."""

    key = models.CharField("提醒标识", max_length=120)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField("提醒内容", max_length=300)
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发送的督导提醒"
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"],
                name="supervision_reminder_sent_once",
                violation_error_message="该提醒已发送给此用户",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
