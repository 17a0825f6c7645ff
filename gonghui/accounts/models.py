"""Users govern one union node with one role; that node's subtree is all they see."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.core.scope import narrow


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    CITY_ADMIN = "city_admin", "市级管理员"
    COUNTY_ADMIN = "county_admin", "县级管理员"
    GRASSROOTS_ADMIN = "grassroots_admin", "基层工会管理员"
    REVIEWER = "reviewer", "审核员"
    READONLY = "readonly", "只读"
    # 部门用户: a department of a federation (supervision): reads like 只读 elsewhere; in supervision it
    # sees and works only the tasks its departments lead.
    DEPARTMENT = "department", "部门用户"
    # 三员分立: three administrators, each with one duty, none reading members' personal data.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


ADMIN_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.GRASSROOTS_ADMIN}
# The three separated administrators (系统/安全/审计管理员): one role field, so no account holds two; none
# is a superuser (constraint below), none holds 查看敏感信息, and only the security administrator manages them.
SEPARATED_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
SEPARATED_NO_SENSITIVE = "系统管理员、安全管理员和审计管理员不能查看敏感信息（三员分立）"
# Roles a user may grant: never above their own.
ROLE_RANK = {
    Role.PROVINCE_ADMIN: 4,
    Role.CITY_ADMIN: 3,
    Role.COUNTY_ADMIN: 2,
    Role.GRASSROOTS_ADMIN: 1,
    Role.REVIEWER: 0,
    Role.READONLY: 0,
    Role.DEPARTMENT: 0,
    Role.SYSTEM_ADMIN: 0,
    Role.SECURITY_ADMIN: 0,
    Role.AUDITOR: 0,
}


class UserQuerySet(models.QuerySet):
    def visible_to(self, actor) -> UserQuerySet:
        """Users whose union lies in the actor's subtree (the actor's own node included)."""
        return narrow(self, actor, f"{User.SCOPE_FIELD}__path")


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="所属工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="用户管辖该工会及其全部下级",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.READONLY)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="管理员重置密码后，用户下次登录须先修改密码"
    )

    objects = UserManager()

    def set_password(self, raw_password) -> None:
        """Every new password restarts the expiry clock; whoever sets it for someone else (an administrator's
        reset) sets ``must_change_password`` afterwards."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.must_change_password = False

    @property
    def password_expired(self) -> bool:
        max_age = getattr(settings, "GONGHUI_PASSWORD_MAX_AGE_DAYS", 90)
        return bool(max_age) and self.password_changed_at < timezone.now() - dt.timedelta(days=max_age)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        permissions = [("view_sensitive", "查看敏感信息")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(SEPARATED_ROLES), is_superuser=True),
                name="accounts_user_separated_role_not_superuser",
                violation_error_message="系统管理员、安全管理员和审计管理员不能同时是超级用户（三员分立）",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    SCOPE_FIELD = "union"  # the node this user governs (see gonghui.core.scope)

    # A role acts on a node: without one (deny by default) no role grants anything.
    def _holds(self, roles: set[str]) -> bool:
        return self.is_superuser or (self.role in roles and self.union_id is not None and self.is_active)

    @property
    def can_edit(self) -> bool:
        return self._holds(ADMIN_ROLES)

    @property
    def can_review(self) -> bool:
        return self._holds(ADMIN_ROLES | {Role.REVIEWER})

    @property
    def can_manage_users(self) -> bool:
        """Business administrators manage business accounts of their subtree; the security administrator
        manages every account of its subtree, the three administrators included (see roles.may_manage)."""
        return self._holds(ADMIN_ROLES | {Role.SECURITY_ADMIN})

    @property
    def is_security_admin(self) -> bool:
        """The security administrator (安全管理员): unlocking, every session and token of its subtree, and
        the write scope of API tokens."""
        return self._holds({Role.SECURITY_ADMIN})

    @property
    def can_audit(self) -> bool:
        """The audit log is the audit administrator's alone (三员分立)."""
        return self._holds({Role.AUDITOR})

    @property
    def can_administer_system(self) -> bool:
        """The system administrator: the Django admin when it is enabled (GONGHUI_ADMIN_ENABLED)."""
        return self.role == Role.SYSTEM_ADMIN and self.union_id is not None and self.is_active

    @property
    def can_manage_routing(self) -> bool:
        """入会分配规则: the system administrator's reference data, and business administrators' for their
        own subtree (both scoped by the rule's receiving union)."""
        return self.can_edit or self.can_administer_system

    @property
    def is_separated_admin(self) -> bool:
        return self.role in SEPARATED_ROLES

    @property
    def tools_only(self) -> bool:
        """The three administrators open only their own tools (``accounts.roles.may_open``) and see no
        business figures (the home page asks)."""
        return self.is_separated_admin and not self.is_superuser

    @property
    def reads_personal_data(self) -> bool:
        """Members' records at all (core.models.PersonalQuerySet): every role but the three administrators."""
        return not self.is_separated_admin

    @property
    def can_view_sensitive(self) -> bool:
        # The three administrators never read personal data by virtue of the role, whatever they were granted.
        return not self.is_separated_admin and self.has_perm("accounts.view_sensitive")


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, so a new one cannot be one of the last few
    (``password_validation.PasswordHistoryValidator``). Written whenever a password is saved."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码（哈希）", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token is shown once when created."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, error_messages={"unique": "令牌重复，请重新生成"}
    )
    prefix = models.CharField("前缀", max_length=8, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    # Read-only unless granted: without it every call but GET/HEAD/OPTIONS answers 403 (api_auth.TokenAuth).
    # Only the security administrator grants it, and only to a user who can edit (services.set_token_write).
    can_write = models.BooleanField("允许写操作", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token valid ``days`` days (default: the setting GONGHUI_API_TOKEN_DAYS, 90)."""
        days = days if days is not None else getattr(settings, "GONGHUI_API_TOKEN_DAYS", 90)
        key = "gh_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=cls.hash_key(key),
            prefix=key[:8],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, key

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "已吊销"
        if self.expires_at and self.expires_at < timezone.now():
            return "已过期"
        return "有效"

    @classmethod
    def lookup(cls, key: str) -> ApiToken | None:
        """The valid token (not revoked, not expired, its user active) for ``key``; marks it used."""
        token = cls.objects.select_related("user").filter(key_hash=cls.hash_key(key)).first()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.expires_at and token.expires_at < now:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        token = cls.lookup(key)
        return None if token is None else token.user

    @property
    def writes(self) -> bool:
        """Write scope in force: granted, and its user still one who can edit (a later demotion withdraws
        it without anyone having to remember the token)."""
        return self.can_write and self.user.can_edit


def _live_since() -> tuple[dt.datetime, dt.datetime]:
    """(seen after, created after): the bounds of a session that has not timed out. last_seen_at is
    written at most once a minute, hence a minute of slack so that a busy session is not called idle."""
    now = timezone.now()
    idle = dt.timedelta(minutes=settings.GONGHUI_SESSION_IDLE_MINUTES + 1)
    return now - idle, now - dt.timedelta(hours=settings.GONGHUI_SESSION_MAX_HOURS)


class UserSessionQuerySet(models.QuerySet):
    def live(self) -> UserSessionQuerySet:
        """Sessions not ended and not past the idle or absolute timeout (SessionTimeoutMiddleware ends
        those at their next request; a closed browser never comes back to be ended, so time decides)."""
        seen_after, created_after = _live_since()
        return self.filter(ended_at=None, last_seen_at__gte=seen_after, created_at__gte=created_after)

    def visible_to(self, actor) -> UserSessionQuerySet:
        """The actor's own sessions and, for the security administrator, those of its subtree's users."""
        if getattr(actor, "is_security_admin", False):
            return self.filter(Q(user=actor) | Q(user__in=User.objects.visible_to(actor)))
        if getattr(actor, "is_authenticated", False) and actor.is_active:
            return self.filter(user=actor)
        return self.none()


class UserSession(models.Model):
    """One signed-in session of a user, recorded at login (``services.start_session``), so that the user
    and the security administrator can list and end sessions and a new login beyond
    ``GONGHUI_MAX_SESSIONS`` ends the oldest. The session itself holds this row's id; the session key is
    not stored (it changes when the password is changed, and a key in a second table is a second copy of
    a credential). Ending a session sets ``ended_at``; ``UserSessionMiddleware`` logs it out at its next
    request, whatever the session engine."""

    class EndReason(models.TextChoices):
        LOGOUT = "logout", "已退出"
        TIMEOUT = "timeout", "超时退出"
        BY_USER = "by_user", "本人结束"
        BY_ADMIN = "by_admin", "安全管理员结束"
        LIMIT = "limit", "超过同时登录数上限"
        PASSWORD = "password", "密码已修改"

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField("登录时间", default=timezone.now, db_index=True)
    last_seen_at = models.DateTimeField("最近活动", default=timezone.now)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=16, choices=EndReason.choices, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user.username} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        return summarise_user_agent(self.user_agent)

    @property
    def is_live(self) -> bool:
        seen_after, created_after = _live_since()
        return self.ended_at is None and self.last_seen_at >= seen_after and self.created_at >= created_after

    @property
    def status(self) -> str:
        if self.ended_at:
            return self.get_end_reason_display() or "已结束"
        return "有效" if self.is_live else "已超时"


# Browser families in the order their tokens must be tested (Edge and 360 also say Chrome; Chrome also
# says Safari). Names in Chinese: the interface has no English.
_BROWSERS = [
    ("Edg/", "微软浏览器"),
    ("QQBrowser/", "腾讯浏览器"),
    ("360SE", "360 浏览器"),
    ("Firefox/", "火狐浏览器"),
    ("Chrome/", "谷歌浏览器"),
    ("Safari/", "苹果浏览器"),
]


def summarise_user_agent(user_agent: str) -> str:
    """「谷歌浏览器 120 · 电脑」 from a User-Agent header: enough for a user to recognise their own device."""
    if not user_agent:
        return "未知"
    name, version = "其他浏览器", ""
    for token, label in _BROWSERS:
        at = user_agent.find(token)
        if at >= 0:
            name = label
            version = user_agent[at + len(token) :].split(".", 1)[0].split(" ", 1)[0]
            version = version if version.isdigit() else ""
            break
    mobile = any(t in user_agent for t in ("Mobile", "Android", "iPhone"))
    device = "平板" if "iPad" in user_agent else "手机" if mobile else "电脑"
    return " ".join(part for part in (name, version, "·", device) if part)
