"""The quarterly bulletin's issuing workflow: 拟稿 (draft) → 审核 (reviewed) → 签发 (signed off).

A bulletin is a targets snapshot of a plan. Generating it now opens a draft release; the plan's issuer
reviews and signs it off; the units ranked in the plan see it (page and downloads) only once signed.
The issuer's side (users whose subtree holds the issuer) sees every stage. A snapshot without a release
row was issued before this workflow and stays visible. Each step: a ``BulletinEvent`` and an audit row,
in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import EVERYTHING, covers, scope_prefix
from gonghui.targets.models import Snapshot

from .models import BulletinEvent, BulletinRelease, BulletinStatus


def may_issue(user, snapshot: Snapshot) -> bool:
    """The plan issuer's administrators (or above) draft, review and sign off its bulletins."""
    return bool(getattr(user, "can_edit", False)) and covers(user, snapshot.plan.issuer)


def visible(user, snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """``snapshots`` (already cut to the plans the user sees) less the bulletins not yet signed off,
    unless the user is on the issuer's side."""
    prefix = scope_prefix(user)
    if prefix is None:
        return snapshots.none()
    if prefix == EVERYTHING:
        return snapshots
    return snapshots.filter(
        Q(plan__issuer__path__startswith=prefix)
        | Q(release__isnull=True)
        | Q(release__status=BulletinStatus.SIGNED)
    )


def _step(release: BulletinRelease, actor, action: str, before: str, note: str, ip, create=False) -> None:
    BulletinEvent.objects.create(
        release=release,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=release.status,
        note=note,
    )
    labels = dict(BulletinStatus.choices)
    change = f"（{labels.get(before, '—')} → {labels[release.status]}）" if before != release.status else ""
    audit.log(
        AuditEvent.Action.CREATE if create else AuditEvent.Action.UPDATE,
        release,
        actor=actor,
        ip=ip,
        detail=f"通报{action}{change}{'：' + note if note else ''}",
    )


@transaction.atomic
def draft(snapshot: Snapshot, *, actor=None, ip: str | None = None) -> BulletinRelease:
    """拟稿: a release for a newly generated bulletin (the existing one when there is one)."""
    release, created = BulletinRelease.objects.get_or_create(snapshot=snapshot)
    if created:
        _step(release, actor, "拟稿", "", f"截至 {snapshot.as_of:%Y-%m-%d}", ip, create=True)
    return release


def _locked(release: BulletinRelease) -> BulletinRelease:
    return (
        BulletinRelease.objects.select_for_update()
        .select_related("snapshot__plan__issuer")
        .get(pk=release.pk)
    )


@transaction.atomic
def review(release: BulletinRelease, *, actor, note: str = "", ip: str | None = None) -> BulletinRelease:
    release = _locked(release)
    if not may_issue(actor, release.snapshot):
        raise PermissionDenied("只有下达单位的管理员可以审核通报")
    if release.status != BulletinStatus.DRAFT:
        raise ValidationError("只有拟稿中的通报才能审核")
    before = release.status
    release.status = BulletinStatus.REVIEWED
    release.reviewed_at = timezone.now()
    release.reviewed_by = actor if getattr(actor, "pk", None) else None
    release.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    _step(release, actor, "审核", before, note.strip(), ip)
    return release


@transaction.atomic
def sign_off(release: BulletinRelease, *, actor, note: str = "", ip: str | None = None) -> BulletinRelease:
    """签发: from now on the units ranked in the plan see the bulletin."""
    release = _locked(release)
    if not may_issue(actor, release.snapshot):
        raise PermissionDenied("只有下达单位的管理员可以签发通报")
    if release.status != BulletinStatus.REVIEWED:
        raise ValidationError("通报须先审核，才能签发")
    before = release.status
    release.status = BulletinStatus.SIGNED
    release.signed_at = timezone.now()
    release.signed_by = actor if getattr(actor, "pk", None) else None
    release.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    _step(release, actor, "签发", before, note.strip(), ip)
    return release
