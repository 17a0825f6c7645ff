"""The small abstract model stack every domain model stands on, plus the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.db.models.lookups import In, StartsWith
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils import timezone

from .hashchain import chain_hash, lock_chain
from .scope import narrow

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


_Scoped = TypeVar("_Scoped", bound="ScopedModel")


class ScopedQuerySet(models.QuerySet[_Scoped]):
    """``visible_to(user)``: the rows of the user's subtree and nothing else.

    A model says how its rows hang in the union tree with ``scope_path`` (a lookup to a materialised
    path: ``"path"`` for unions, ``"union__path"`` for members). Every view, export and API endpoint
    starts from this queryset.
    """

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        return narrow(self, user, self.model.scope_path)


def reads_personal_data(user) -> bool:
    """Whether the user's role may read people's records at all: not the three separated administrators
    (系统/安全/审计管理员, 三员分立), whatever node they hold (the user model says so:
    ``reads_personal_data``)."""
    return bool(getattr(user, "reads_personal_data", True))


class PersonalQuerySet(ScopedQuerySet[_Scoped]):
    """Rows about people (members, their membership events): the user's subtree, and nothing at all for
    a role that reads no personal data."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        if not reads_personal_data(user):
            return self.none()
        return super().visible_to(user)


class OwnJobsQuerySet(ScopedQuerySet[_Scoped]):
    """Jobs whose files hold people's data (imports, exports): the user's subtree; a role that reads no
    personal data sees only the jobs it started itself (the auditor's export of the audit log)."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        rows = super().visible_to(user)
        if not reads_personal_data(user):
            return rows.filter(user=user)
        return rows


class ScopedModel(models.Model):
    """A row that hangs in the union tree: ``objects.visible_to(user)`` through ``scope_path``."""

    scope_path: ClassVar[str] = "path"
    # True for a table of millions hanging on the tree by one key: small subtrees by ids (core.scope.under).
    scope_by_ids: ClassVar[bool] = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    """创建时间 and 更新时间, set by Django on insert and on every save."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class ReferenceRow(models.Model):
    """A row of reference data the system administrator edits (posts, title kinds, service kinds …): a
    stable code that seeds and code find it by, a name, an order, 启用. Concrete models add their own
    fields, ``Meta.verbose_name`` and, where the order differs, ``Meta.ordering``."""

    code = models.CharField("代码", max_length=32, unique=True, error_messages={"unique": "该代码已被使用"})
    name = models.CharField("名称", max_length=50, unique=True, error_messages={"unique": "已有同名的项"})
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


def actor_fk(verbose_name: str) -> models.ForeignKey:
    """Who did something: a user, kept as NULL when the account is deleted (the event row stays)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class StepEvent(models.Model):
    """One step of something with a lifecycle: who, when, the action, the status from → to, the note.
    A concrete event model adds the foreign key to its subject."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = actor_fk("操作人")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True


def path_segment(pk: int) -> str:
    """One level of a materialised path: the pk in 8 digits and a slash, "00012345/" (9 characters).
    Fixed width, so that sorting by path gives depth-first order and level n starts at n × PATH_STEP."""
    return f"{pk:08d}/"


PATH_STEP = len(path_segment(0))  # 9


class PathPrefix(StartsWith):
    """``path__startswith`` on PostgreSQL as the byte-wise range ``path ~>=~ prefix AND path ~<~ next``
    (what the planner derives from ``LIKE 'prefix%'`` for the pattern-ops index anyway), not LIKE.

    Same rows, better plans: with LIKE the planner counts the prefix twice — the index range and then the
    LIKE filter as if independent — and estimated a county's 981 unions as 10; a member search in that
    county then repeated the name's trigram index scan once per union (246 ms instead of a few). A value
    that is not a plain string (an outer reference, an expression) keeps LIKE."""

    def as_postgresql(self, compiler, connection):
        prefix = self.rhs
        if not self.rhs_is_direct_value() or not isinstance(prefix, str) or not prefix:
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} ~>=~ %s AND {lhs} ~<~ %s)", [*lhs_params, prefix, *lhs_params, upper]


@receiver(class_prepared)
def _path_prefix_lookup(sender, **kwargs) -> None:
    if issubclass(sender, TreeModel) and not sender._meta.abstract:
        sender._meta.get_field("path").register_lookup(PathPrefix, "startswith")


class InIds(In):
    """``fk__in_ids=[…]`` (integer keys): ``fk__in``, written on PostgreSQL as ``fk = ANY(%s::bigint[])``
    with the ids as one array parameter. A county's 981 union ids (core.scope.under) were 981 placeholders
    that the driver split out of the query text on every execution, a quarter of a county's member page in
    Python; the server plans and hashes both forms alike."""

    lookup_name = "in_ids"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        ids = [value for value in self.rhs if value is not None]
        if not ids:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # An array literal of integers as one text parameter: the driver quotes one string rather than
        # dumping a list element by element (≈ 1.5 ms a query for 981 ids).
        literal = "{" + ",".join(str(int(value)) for value in ids) + "}"
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*lhs_params, literal]


models.ForeignKey.register_lookup(InIds)


class TreeModel(ScopedModel):
    """A node with a parent FK (the truth) and a materialised path (derived, indexed).

    "This node and everything under it" is ``path__startswith=node.path`` on any database.
    """

    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    parent_id: int | None  # the column of ``parent`` (declared for the type checker on an abstract model)
    path = models.CharField("路径", max_length=255, blank=True, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)

    class Meta:
        abstract = True

    def _expected_path(self) -> str:
        manager = type(self)._default_manager
        prefix = manager.values_list("path", flat=True).get(pk=self.parent_id) if self.parent_id else ""
        return prefix + path_segment(self.pk)

    def save(self, *args, **kwargs) -> None:
        manager = type(self)._default_manager
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = self._expected_path()
                self.depth = self.path.count("/") - 1
                manager.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                return
            # The stored path, locked: another move may have rewritten it since this object was read.
            stored = manager.select_for_update().values_list("path", flat=True).get(pk=self.pk)
            new_path = self._expected_path()
            if stored != new_path:
                self._move_subtree(stored, new_path)
            self.path = new_path
            self.depth = new_path.count("/") - 1
            super().save(*args, **kwargs)

    def _move_subtree(self, old_path: str, new_path: str) -> None:
        """Rewrite the paths under this node in one statement, the rows locked first."""
        if new_path.startswith(old_path):
            from django.core.exceptions import ValidationError

            raise ValidationError("不能把组织移到它自己的下级之下")
        subtree = type(self)._default_manager.filter(path__startswith=old_path).exclude(pk=self.pk)
        list(subtree.select_for_update().values_list("pk", flat=True))
        depth_change = new_path.count("/") - old_path.count("/")
        subtree.update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()),
            depth=models.F("depth") + depth_change,
        )

    def ancestors(self):
        ids = [int(seg) for seg in self.path.strip("/").split("/")[:-1] if seg]
        nodes = {n.pk: n for n in type(self)._default_manager.filter(pk__in=ids)}
        return [nodes[i] for i in ids if i in nodes]

    def subtree(self):
        return type(self)._default_manager.filter(path__startswith=self.path)

    def is_within(self, other: TreeModel) -> bool:
        return self.path.startswith(other.path)


class PersonalData(models.Model):
    """A resident ID and a phone held the protected way: encrypted, found by keyed hash, and a masked
    copy stored so that lists and exports of millions of rows never decrypt anything."""

    id_number_enc = models.TextField("身份证号（密文）", editable=False)
    id_hash = models.CharField("身份证号索引", max_length=64, editable=False, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone_enc = models.TextField("手机号（密文）", blank=True, editable=False)
    # Indexed by the concrete model's Meta (a plain B-tree): db_index would add a pattern-ops twin on
    # PostgreSQL that exact hash lookups never use and every bulk insert pays for. (Not so for id_hash:
    # on PostgreSQL, dropping its db_index also drops the partial unique index on the same column.)
    phone_hash = models.CharField("手机号索引", max_length=64, blank=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=20, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def id_number(self) -> str:
        """The full ID number. Call only where the user holds 查看敏感信息, and audit it."""
        from . import crypto

        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        from . import crypto

        return crypto.decrypt(self.phone_enc)

    def set_id_number(self, number: str) -> None:
        from . import crypto
        from .masking import mask_id_number

        self.id_number_enc = crypto.encrypt(number)
        self.id_hash = crypto.lookup_hash("ric", number)
        self.id_masked = mask_id_number(number)

    def set_phone(self, phone: str) -> None:
        from . import crypto
        from .masking import mask_phone

        self.phone_enc = crypto.encrypt(phone)
        self.phone_hash = crypto.lookup_hash("phone", phone)
        self.phone_masked = mask_phone(phone)


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, actor) -> AuditEventQuerySet:
        """Events of users in the actor's subtree. Failed logins of unknown usernames have no user and
        are shown only to superusers (they cannot be placed in any subtree)."""
        from django.contrib.auth import get_user_model

        return narrow(self, actor, f"user__{get_user_model().SCOPE_FIELD}__path")


class AuditEvent(models.Model):
    """Who saw or changed what, when and from where. Written for every unmasked view and every edit."""

    class Action(models.TextChoices):
        REVEAL = "reveal", "查看敏感信息"
        EXPORT_SENSITIVE = "export_sensitive", "导出敏感信息"
        # Any other list export (IDs and phones masked, or a list without them, such as the audit log's):
        # the description says which and how many rows.
        EXPORT = "export", "导出数据"
        DOWNLOAD = "download", "下载含个人信息的文件"
        # A file of per-unit figures (a bulletin): no person in it, so not labelled as personal data.
        DOWNLOAD_REPORT = "download_report", "下载报表"
        GENERATE = "generate", "生成通报/报表"
        IMPORT = "import", "导入数据"
        API_READ = "api_read", "API 读取个人信息"
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        FORBIDDEN = "forbidden", "拒绝访问"
        LOGIN_LOCKED = "login_locked", "登录被锁定"
        LOGOUT = "logout", "退出登录"
        PASSWORD_CHANGE = "password_change", "修改密码"
        OTP_VERIFIED = "otp_verified", "动态验证码验证通过"
        OTP_FAILED = "otp_failed", "动态验证码错误"
        OTP_LOCKED = "otp_locked", "动态验证码错误次数过多"
        OTP_ENROLLED = "otp_enrolled", "绑定动态验证码"
        OTP_RESET = "otp_reset", "重置动态验证码"
        OTHER = "other", "其他"

    # Set by the writer before hashing (the hash covers it), not by auto_now_add at save time.
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    detail = models.TextField("说明", blank=True)
    # The hash chain (core.audit): SHA-256 over the previous row's hash and this row's canonical content.
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        """The one writer of the chain: a new row, whoever creates it (``core.audit.log``, a test), takes
        the chain lock, links to the newest row (or the newest archive) and is hashed before it is
        inserted. An existing row is never saved again (PostgreSQL's trigger refuses the UPDATE)."""
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        if not self.at:
            self.at = timezone.now()
        self.object_repr = self.object_repr[:255]
        with transaction.atomic(using=kwargs.get("using")):
            lock_chain()
            head = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
            self.prev_hash = head if head is not None else chain_start()
            self.hash = chain_hash(self.prev_hash, self)
            kwargs["force_insert"] = True
            super().save(*args, **kwargs)


def chain_start() -> str:
    """The hash the first row of the table chains to: the last archived row's, or "" (the genesis)."""
    archive = AuditArchive.objects.order_by("-last_id").first()
    return archive.last_hash if archive else ""


class AuditArchive(models.Model):
    """One run of ``archive_audit_log``: which rows left the table for which signed file. The newest
    archive's ``last_hash`` is where verification of the remaining chain starts."""

    at = models.DateTimeField("归档时间", default=timezone.now, editable=False)
    first_id = models.BigIntegerField("首条编号")
    last_id = models.BigIntegerField("末条编号")
    count = models.PositiveIntegerField("条数")
    last_hash = models.CharField("末条哈希", max_length=64)
    file_name = models.CharField("归档文件", max_length=255)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)
    signature = models.CharField("签名（HMAC-SHA256）", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志归档"
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.file_name}（第 {self.first_id}–{self.last_id} 条）"


class Setting(models.Model):
    """Small key/value settings a federation can change at run time (deadlines, markers)."""

    key = models.CharField("键", max_length=100, unique=True, error_messages={"unique": "该设置项已存在"})
    value = models.JSONField("值", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "系统设置"

    # key → Chinese label, filled by core.console.register_setting (what the audit log shows).
    labels: ClassVar[dict[str, str]] = {}

    def __str__(self) -> str:
        """The Chinese label an app registered for the key, else the key; a union's own value of
        ``<key>.<union pk>`` says so."""
        if self.key in self.labels:
            return self.labels[self.key]
        base, _, union_pk = self.key.rpartition(".")
        if union_pk.isdigit() and base in self.labels:
            return f"{self.labels[base]}（工会 {union_pk} 的设置）"
        return self.key

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).first()
        return row.value if row else default

    @classmethod
    def put(cls, key: str, value) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})
