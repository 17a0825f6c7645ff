"""The login lockouts in force, read from django-axes's AccessAttempt rows, for the 「登录锁定」 page.

Axes counts failures per account and, separately, per client address (AXES_LOCKOUT_PARAMETERS): an
account is locked when its rows newer than AXES_COOLOFF_TIME add up to AXES_FAILURE_LIMIT, and so is an
address (an office behind one NAT address, whatever usernames were tried). Each row's ``attempt_time`` is
its latest failure, so a lockout lifts by itself at the latest ``attempt_time + AXES_COOLOFF_TIME``.

Who sees which lockout: the security administrator of a node sees the accounts of its subtree, and an
address when one of those accounts failed from it. Usernames that belong to nobody in any subtree (an
unknown name an attacker tried, a user with no union) and addresses tried only with such names are seen by
the security administrator of a top-level node (and a superuser): someone must be able to lift them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from gonghui.core.scope import EVERYTHING, home_node, scope_prefix

from .models import User

ACCOUNT = "username"
ADDRESS = "ip"


@dataclass(frozen=True)
class Lockout:
    kind: str  # ACCOUNT or ADDRESS
    value: str  # the username or the address
    failures: int
    since: dt.datetime  # the latest failure (it restarts the cool-off)
    until: dt.datetime
    user: User | None = None

    @property
    def kind_label(self) -> str:
        return "账号" if self.kind == ACCOUNT else "来源地址"


def _sees_unattributed(actor: User) -> bool:
    if scope_prefix(actor) == EVERYTHING:
        return True
    node = home_node(actor)
    return node is not None and node.parent_id is None


def current_lockouts(actor: User) -> list[Lockout]:
    """The lockouts in force that ``actor`` (a security administrator) may see and lift, newest first."""
    if not actor.is_security_admin:
        return []
    cooloff = settings.AXES_COOLOFF_TIME
    limit = settings.AXES_FAILURE_LIMIT
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    per_account = {
        row["username"]: row
        for row in recent.exclude(username=None)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if row["failures"] >= limit
    }
    per_address = {
        row["ip_address"]: row
        for row in recent.exclude(ip_address=None)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if row["failures"] >= limit
    }
    names_by_address: dict[str, set[str]] = {}
    for ip, name in recent.filter(ip_address__in=list(per_address)).values_list("ip_address", "username"):
        names_by_address.setdefault(ip, set()).add(name or "")
    everyone = set(per_account) | {n for names in names_by_address.values() for n in names}
    users = {u.username: u for u in User.objects.filter(username__in=everyone)}
    mine = set(
        User.objects.visible_to(actor).filter(username__in=everyone).values_list("username", flat=True)
    )
    unattributed = _sees_unattributed(actor)

    def sees(name: str) -> bool:
        return name in mine or (unattributed and (name not in users or users[name].union_id is None))

    found = [
        Lockout(ACCOUNT, name, row["failures"], row["last"], row["last"] + cooloff, users.get(name))
        for name, row in per_account.items()
        if sees(name)
    ] + [
        Lockout(ADDRESS, ip, row["failures"], row["last"], row["last"] + cooloff)
        for ip, row in per_address.items()
        if any(sees(name) for name in names_by_address.get(ip, ()))
    ]
    return sorted(found, key=lambda lock: lock.since, reverse=True)


def find_lockout(actor: User, kind: str, value: str) -> Lockout | None:
    """The lockout ``kind``/``value`` if it is in force and ``actor`` may lift it."""
    return next((lock for lock in current_lockouts(actor) if (lock.kind, lock.value) == (kind, value)), None)
