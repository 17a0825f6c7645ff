"""The system administrator's console (系统管理员, issue 11): what each domain app hands it.

Core names no domain app, so the console knows only what apps register in ``AppConfig.ready()``:

- ``register_setting``: a run-time setting kept in :class:`~gonghui.core.models.Setting` (key, Chinese
  label, bounds, default, help), optionally overridable per union (``<key>.<union pk>``, the nearest
  ancestor's value wins — read by the app, e.g. joining/workdays.py);
- ``register_reference``: a reference table the system administrator edits (model, form, columns);
- ``register_task_label``: the Chinese name of a background task (django-tasks path → 「导入」…);
- ``register_job_source``: an app's job table (imports: import and export jobs) — metadata only — and
  the actions on it (mark dead imports failed).

The services below change settings and reference rows, each in one transaction with its audit row
(old → new). None of this shows personal data: settings, reference rows and job metadata hold none, and
task arguments and return values (which may) are never read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models, transaction

from . import audit
from .forms import ScopedModelForm
from .models import AuditEvent, Setting

# ------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str  # 「入会申请审核期限（工作日）」
    default: int
    minimum: int
    maximum: int
    help: str = ""
    unit: str = ""
    group: str = "业务设置"
    per_union: bool = False  # also ``<key>.<union pk>`` rows: a union's own value for its subtree
    on_change: Callable[[], None] | None = None  # drop a process-local cache of the value

    def validate(self, raw: object) -> int:
        """The value as stored, or ``forms.ValidationError`` with the Chinese reason."""
        text = str(raw).strip() if raw is not None else ""
        if not text:
            raise forms.ValidationError(f"请填写「{self.label}」")
        try:
            value = int(text)
        except ValueError:
            raise forms.ValidationError(f"「{self.label}」须为整数，收到「{text[:20]}」") from None
        if not self.minimum <= value <= self.maximum:
            raise forms.ValidationError(
                f"「{self.label}」须在 {self.minimum} 至 {self.maximum}{self.unit}之间，收到 {value}"
            )
        return value

    def describe(self, value: object) -> str:
        return "默认值" if value is None else f"{value}{self.unit}"


_SETTINGS: dict[str, SettingSpec] = {}


def register_setting(spec: SettingSpec) -> SettingSpec:
    _SETTINGS[spec.key] = spec
    Setting.labels[spec.key] = spec.label
    return spec


def setting_specs() -> list[SettingSpec]:
    return sorted(_SETTINGS.values(), key=lambda s: (s.group, s.key))


def setting_spec(key: str) -> SettingSpec | None:
    return _SETTINGS.get(key)


def override_key(spec: SettingSpec, union_pk: int) -> str:
    return f"{spec.key}.{union_pk}"


def overrides(spec: SettingSpec) -> list[Setting]:
    """The per-union rows of ``spec`` (``<key>.<digits>``), oldest first."""
    if not spec.per_union:
        return []
    rows = Setting.objects.filter(key__startswith=f"{spec.key}.").order_by("pk")
    return [row for row in rows if row.key[len(spec.key) + 1 :].isdigit()]


def override_union_pk(spec: SettingSpec, row: Setting) -> int:
    return int(row.key[len(spec.key) + 1 :])


class SettingError(Exception):
    """A change refused; ``str(exc)`` is the Chinese reason."""


def change_setting(
    spec: SettingSpec, raw: object, *, actor, ip: str | None = None, union=None
) -> tuple[object, int]:
    """Store ``raw`` (validated against the spec's bounds) as the global value, or as ``union``'s own.
    Returns (old value or None, new value); writes one audit row (old → new) in the same transaction."""
    try:
        value = spec.validate(raw)
    except forms.ValidationError as exc:
        raise SettingError(exc.messages[0]) from None
    if union is not None and not spec.per_union:
        raise SettingError(f"「{spec.label}」不能按工会分别设置")
    key = spec.key if union is None else override_key(spec, union.pk)
    where = "" if union is None else f"（{union}）"
    with transaction.atomic():
        row = Setting.objects.select_for_update().filter(key=key).first()
        old = row.value if row is not None else None
        if row is None:
            row = Setting.objects.create(key=key, value=value)
        else:
            row.value = value
            row.save(update_fields=["value"])
        audit.log(
            AuditEvent.Action.CREATE if old is None else AuditEvent.Action.UPDATE,
            row,
            actor=actor,
            ip=ip,
            detail=f"{spec.label}{where}：{spec.describe(old)} → {spec.describe(value)}",
        )
    _changed(spec)
    return old, value


def reset_setting(spec: SettingSpec, key: str, *, actor, ip: str | None = None, where: str = "") -> object:
    """Delete the row ``key`` (the global value → the default; a union's own → its parent's); audited."""
    if key != spec.key and not (
        spec.per_union and key.startswith(f"{spec.key}.") and key[len(spec.key) + 1 :].isdigit()
    ):
        raise SettingError("该设置项不存在")
    with transaction.atomic():
        row = Setting.objects.select_for_update().filter(key=key).first()
        if row is None:
            raise SettingError(f"「{spec.label}」{where}已是默认值")
        old = row.value
        audit.log(
            AuditEvent.Action.DELETE,
            row,
            actor=actor,
            ip=ip,
            detail=f"{spec.label}{where}：{spec.describe(old)} → "
            + ("上级或全局设置" if key != spec.key else f"默认值 {spec.default}{spec.unit}"),
        )
        row.delete()
    _changed(spec)
    return old


def _changed(spec: SettingSpec) -> None:
    if spec.on_change is not None:
        transaction.on_commit(spec.on_change)


# ------------------------------------------------------------------------------------ reference data


@dataclass(frozen=True)
class ReferenceSpec:
    slug: str  # in the page's query string: ?kind=<slug>
    label: str
    model: type[models.Model]
    form_class: type[ScopedModelForm]  # knows the user (scoped choices, if any)
    columns: list[tuple[str, Callable[[Any], object]]]  # (header, row → cell)
    can_add: bool = True
    note: str = ""  # what may be changed and why (shown above the table)
    order: int = 0


_REFERENCES: dict[str, ReferenceSpec] = {}


def register_reference(spec: ReferenceSpec) -> ReferenceSpec:
    _REFERENCES[spec.slug] = spec
    return spec


def reference_specs() -> list[ReferenceSpec]:
    return sorted(_REFERENCES.values(), key=lambda s: (s.order, s.slug))


def reference_spec(slug: str) -> ReferenceSpec | None:
    return _REFERENCES.get(slug)


class ReferenceCodeForm(ScopedModelForm):
    """The edit form of reference rows that carry a code (posts, grades, kinds, new-form groups): the code
    is what seeding and imports find a row by, so it is ASCII and cannot change once the row exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not self.instance.pk and not (code.isascii() and code.replace("_", "").isalnum()):
            raise forms.ValidationError("代码只能由英文字母、数字和下划线组成")
        return code


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def save_reference(form: forms.ModelForm, *, actor, ip: str | None = None) -> models.Model:
    """Save a reference row edited on the console; one audit row names each changed field, old → new."""
    creating = form.instance.pk is None
    changes = [
        f"{form.fields[name].label}：{_shown(form.initial.get(name))} → {_shown(form.cleaned_data.get(name))}"
        for name in form.changed_data
    ]
    with transaction.atomic():
        obj = form.save()
        audit.log(
            AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            obj,
            actor=actor,
            ip=ip,
            detail="；".join(changes),
        )
    return obj


# ----------------------------------------------------------------------------------------- tasks, jobs

_TASK_LABELS: dict[str, str] = {}


def register_task_label(task_or_path: object, label: str) -> None:
    path = getattr(task_or_path, "module_path", task_or_path)
    _TASK_LABELS[str(path)] = label


def task_label(path: str) -> str:
    return _TASK_LABELS.get(path, "未登记名称的任务")


@dataclass(frozen=True)
class JobAction:
    name: str  # in the form: action=<source slug>:<name>
    label: str  # the button
    run: Callable[..., str]  # (actor=, ip=) → the Chinese result sentence; audits itself


@dataclass(frozen=True)
class JobSource:
    slug: str
    label: str  # 「数据导入」
    headers: list[str]
    rows: Callable[[int], list[list[object]]]  # (limit) → the newest rows, metadata only
    actions: list[JobAction] = field(default_factory=list)
    order: int = 0


_JOB_SOURCES: dict[str, JobSource] = {}


def register_job_source(source: JobSource) -> JobSource:
    _JOB_SOURCES[source.slug] = source
    return source


def job_sources() -> list[JobSource]:
    return sorted(_JOB_SOURCES.values(), key=lambda s: (s.order, s.slug))


def job_action(name: str) -> JobAction | None:
    slug, _, action = name.partition(":")
    source = _JOB_SOURCES.get(slug)
    if source is None:
        return None
    return next((a for a in source.actions if a.name == action), None)
