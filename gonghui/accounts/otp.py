"""The second factor (issue 11): TOTP codes from an authenticator app, with django-otp's ``TOTPDevice``.

Who is asked: with ``GONGHUI_ADMIN_OTP`` on, every administrator — the business administrators
(省/市/县/基层管理员), the three separated administrators (系统/安全/审计管理员) and superusers — must hold a
confirmed device and pass a code after the password; one without a device enrols at login. Any other user
(审核员, 只读) may enrol of their own accord at /accounts/otp/ and is asked from then on, whatever the
setting says: a second factor its owner can skip would not be one.

What a session knows: django-otp's ``OTPMiddleware`` marks the user verified (``request.user.is_verified()``)
while the session names a confirmed device of theirs; ``VERIFIED`` remembers that this session passed a
code, so a session whose device disappeared (a security administrator's reset, or the owner re-enrolling on
another session) is ended rather than offered a fresh enrolment. ``HAS_DEVICE`` caches, from the login on,
whether a user who is not required to hold a device has one, so that their requests cost no query.

Wrong codes: at most ``GONGHUI_OTP_FAILURE_LIMIT`` within ``GONGHUI_OTP_LOCKOUT_MINUTES`` per user, counted
from the audit log (the ``otp_failed`` rows since the last success, enrolment or reset): the rows the
auditor reads are the counter, so the limit cannot disagree with the record and needs no table of its own.
The functions here are the services: each writes its audit row in the same transaction; none touches a
request (the client address comes in as ``ip``).
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit
from gonghui.core.models import AuditEvent

from .models import ADMIN_ROLES, SEPARATED_ROLES, User

VERIFIED = "_gonghui_otp_verified"
HAS_DEVICE = "_gonghui_otp_has_device"
# Re-enrolment from the user's own page: the current code was given at this time (epoch seconds).
REENROL_AT = "_gonghui_otp_reenrol_at"
REENROL_SECONDS = 600
PENDING_NAME = "绑定中"
CONFIRMED_NAME = "手机验证器"
# The events after which earlier wrong codes no longer count.
_CLEARS_FAILURES = (
    AuditEvent.Action.OTP_VERIFIED,
    AuditEvent.Action.OTP_ENROLLED,
    AuditEvent.Action.OTP_RESET,
)


def required(user: User) -> bool:
    """Must this user hold a second factor? Administrators, when the setting is on."""
    if not getattr(settings, "GONGHUI_ADMIN_OTP", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in ADMIN_ROLES | SEPARATED_ROLES


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed, so reloading the page does not
    change the QR code the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)


def secret_groups(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as a QR code in a data: URI (an <img> the CSP allows: img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@dataclass(frozen=True)
class Lock:
    failures: int
    until: dt.datetime | None  # set when locked

    @property
    def locked(self) -> bool:
        return self.until is not None

    @property
    def message(self) -> str:
        if self.until is None:
            return ""
        return (
            f"动态验证码连续输错 {settings.GONGHUI_OTP_FAILURE_LIMIT} 次，已暂停验证，"
            f"请于 {timezone.localtime(self.until):%H:%M} 后再试，或联系安全管理员重置。"
        )


def _user_events(user: User):
    return AuditEvent.objects.filter(object_type=User._meta.label_lower, object_id=str(user.pk))


def lock_state(user: User) -> Lock:
    """Wrong codes counted in the window, since the last success, enrolment or reset."""
    limit = settings.GONGHUI_OTP_FAILURE_LIMIT
    window = dt.timedelta(minutes=settings.GONGHUI_OTP_LOCKOUT_MINUTES)
    since = timezone.now() - window
    events = _user_events(user).filter(at__gte=since)
    cleared = events.filter(action__in=_CLEARS_FAILURES).order_by("-at").values_list("at", flat=True).first()
    failed = events.filter(action=AuditEvent.Action.OTP_FAILED)
    if cleared is not None:
        failed = failed.filter(at__gt=cleared)
    times = list(failed.order_by("-at").values_list("at", flat=True)[:limit])
    until = times[-1] + window if len(times) >= limit else None
    return Lock(failures=len(times), until=until)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    lock: Lock
    device: TOTPDevice | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        if self.lock.locked:
            return self.lock.message
        left = settings.GONGHUI_OTP_FAILURE_LIMIT - self.lock.failures
        return f"动态验证码不正确或已过期，请输入验证器当前显示的 6 位数字（还可再试 {left} 次）。"


def _check(user: User, device: TOTPDevice, code: str, *, ip: str | None, purpose: str) -> Outcome:
    """Check ``code`` against ``device`` unless the user is locked; audit the failure (and the lock it
    causes). The caller audits the success in its own words."""
    lock = lock_state(user)
    if lock.locked:
        return Outcome(False, lock)
    verified = verify_token(user, device.persistent_id, code)
    if verified is not None:
        return Outcome(True, lock, verified)
    audit.log(AuditEvent.Action.OTP_FAILED, user, actor=user, ip=ip, detail=f"{purpose}时动态验证码错误")
    lock = lock_state(user)
    if lock.locked:
        audit.log(
            AuditEvent.Action.OTP_LOCKED,
            user,
            actor=user,
            ip=ip,
            detail=f"动态验证码连续输错 {lock.failures} 次，暂停验证至 {timezone.localtime(lock.until):%Y-%m-%d %H:%M}",
        )
    return Outcome(False, lock)


@transaction.atomic
def verify(user: User, code: str, *, ip: str | None = None, purpose: str = "登录") -> Outcome:
    """The code a user with a confirmed device gives after the password (or before re-enrolling)."""
    device = confirmed_device(user)
    if device is None:
        return Outcome(False, lock_state(user))
    outcome = _check(user, device, code, ip=ip, purpose=purpose)
    if outcome.ok:
        audit.log(
            AuditEvent.Action.OTP_VERIFIED, user, actor=user, ip=ip, detail=f"{purpose}：动态验证码正确"
        )
    return outcome


@transaction.atomic
def enrol(user: User, device: TOTPDevice, code: str, *, ip: str | None = None) -> Outcome:
    """Confirm the device being enrolled with a first code; it replaces any earlier device of the user."""
    if device.user_id != user.pk or device.confirmed:
        return Outcome(False, lock_state(user))
    outcome = _check(user, device, code, ip=ip, purpose="绑定")
    if outcome.ok:
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.name = CONFIRMED_NAME
        device.save(update_fields=["confirmed", "name"])
        detail = "重新绑定动态验证码（原设备已作废）" if replaced else "绑定动态验证码"
        audit.log(AuditEvent.Action.OTP_ENROLLED, user, actor=user, ip=ip, detail=detail)
        outcome = Outcome(True, outcome.lock, device)
    return outcome


@transaction.atomic
def reset(target: User, *, actor: User | None, ip: str | None = None) -> int:
    """A security administrator's reset (a lost phone): the user's devices are removed, their sessions
    that passed a code end at their next request, and they enrol again at the next login (when required).
    Earlier wrong codes stop counting. Returns the number of devices removed."""
    removed = TOTPDevice.objects.filter(user=target).delete()[0]
    then = "下次登录时须重新绑定" if required(target) else "本人可自行重新绑定"
    audit.log(
        AuditEvent.Action.OTP_RESET,
        target,
        actor=actor,
        ip=ip,
        detail=f"重置「{target.username}」的动态验证码（移除 {removed} 个设备），{then}",
    )
    return removed
