"""Training (职工代表培训, 基层工会干部轮训, 文体骨干培训 …): courses/sessions held by an organiser union, each
with its attendance either as a head count or as a roster of people found by ID number.

Kinds are data (``TrainingKind``) carrying the yearly person-times target each county must reach and whether
a session of the kind counts as a cadre's (re)training. A roster line holds its person the way members are
held (``core.PersonalData``: ID encrypted, keyed hash, masked copy), once per session (ID hash unique per
session), linked to the member found by that hash when the person holds a membership."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import PersonalData, PersonalQuerySet, ScopedModel, StepEvent, TimestampedModel


class TrainingKind(models.Model):
    """培训类别 with its yearly per-county target (person-times; 0: no target)."""

    code = models.CharField("代码", max_length=32, unique=True, error_messages={"unique": "该代码已被使用"})
    name = models.CharField(
        "名称", max_length=50, unique=True, error_messages={"unique": "已有同名的培训类别"}
    )
    yearly_target = models.PositiveIntegerField(
        "每县年度目标（人次）", default=0, help_text="每个县级工会每年应完成的培训人次；0 表示不设目标"
    )
    is_cadre_training = models.BooleanField(
        "计为工会干部轮训", default=False, help_text="参加此类培训即记为工会干部的最近一次培训"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class AttendanceMode(models.TextChoices):
    COUNT = "count", "按人数登记"
    ROSTER = "roster", "按名单登记"


class SessionStatus(models.TextChoices):
    HELD = "held", "正常"
    CANCELLED = "cancelled", "已撤销"


class TrainingSession(ScopedModel, TimestampedModel):
    """一期培训班: dated (its person-times count on its end date), held by an organiser union (scope: the
    organiser's subtree), in a place or online."""

    scope_path = "organiser__path"

    title = models.CharField("培训班名称", max_length=200)
    kind = models.ForeignKey(
        TrainingKind, verbose_name="培训类别", on_delete=models.PROTECT, related_name="sessions"
    )
    organiser = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="主办工会", on_delete=models.PROTECT, related_name="training_sessions"
    )
    start_date = models.DateField("开班日期")
    end_date = models.DateField("结业日期", db_index=True, help_text="培训人次计入结业日期所在年度")
    online = models.BooleanField("线上培训", default=False)
    place = models.CharField("培训地点", max_length=200, blank=True)
    mode = models.CharField(
        "参训登记方式", max_length=8, choices=AttendanceMode.choices, default=AttendanceMode.COUNT
    )
    headcount = models.PositiveIntegerField("参训人数", default=0, help_text="按人数登记时填写")
    # The session's person-times: the head count, or the roster's lines (kept by the services), so that
    # the per-county sums are one indexed aggregate.
    person_times = models.PositiveIntegerField("培训人次", default=0, editable=False)
    status = models.CharField(
        "状态", max_length=16, choices=SessionStatus.choices, default=SessionStatus.HELD
    )

    class Meta:
        verbose_name = verbose_name_plural = "培训班"
        ordering = ["-end_date", "-id"]
        indexes = [models.Index(fields=["kind", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="trainingsession_end_after_start",
                violation_error_message="结业日期不能早于开班日期",
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""),
                name="trainingsession_place_or_online",
                violation_error_message="请填写培训地点，或选择线上培训",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:session-detail", args=[self.pk])

    @property
    def counts(self) -> bool:
        return self.status == SessionStatus.HELD


class Attendee(PersonalData, ScopedModel):
    """参训人员: one line of a session's roster. ``member`` is the membership found by the ID hash when the
    line was written (None: not a member — the person is still held, encrypted and masked, since the
    training took place and its person-times are real)."""

    scope_path = "session__organiser__path"
    objects = PersonalQuerySet.as_manager()

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训班", on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField("姓名", max_length=50)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "参训人员"
        ordering = ["session", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "id_hash"],
                name="attendee_once_per_session",
                violation_error_message="该人员已在本期培训名单中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()


class SessionEvent(StepEvent):
    """A step of a session: 登记, 修改, 登记人数, 增加参训人员, 移除参训人员, 导入名单, 撤销."""

    scope_path = "session__organiser__path"
    objects = PersonalQuerySet.as_manager()

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训班", on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = verbose_name_plural = "培训班变动记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.session.title}"
