"""Which roles a user may grant and whom they may manage (who they may *see* is ``visible_to``).

三员分立: business administrators (省/市/县/基层) keep managing business accounts at or below their own
node and role; the three administrators (系统/安全/审计管理员) and superusers are created, edited, reset and
deactivated by the security administrator alone, who grants any role inside its own subtree.
"""

from __future__ import annotations

from .models import ROLE_RANK, SEPARATED_ROLES, Role, User


def rank(user: User) -> int:
    return 99 if user.is_superuser else ROLE_RANK.get(user.role, 0)


def _security(actor: User) -> bool:
    return actor.is_superuser or (actor.role == Role.SECURITY_ADMIN and actor.can_manage_users)


def grantable_roles(actor: User) -> list[Role]:
    """The security administrator: every role. A business administrator: business roles no higher than
    its own, never one of the three administrators."""
    if _security(actor):
        return list(Role)
    if not actor.can_manage_users:
        return []
    return [role for role in Role if role not in SEPARATED_ROLES and ROLE_RANK[role] <= rank(actor)]


def may_manage(actor: User, target: User) -> bool:
    """An administrator manages users of their subtree whose role is not above their own; an account of
    the three administrators (or a superuser) only the security administrator manages."""
    if not actor.can_manage_users or not User.objects.visible_to(actor).filter(pk=target.pk).exists():
        return False
    if _security(actor):
        return not target.is_superuser or actor.is_superuser
    return target.role not in SEPARATED_ROLES and not target.is_superuser and rank(target) <= rank(actor)


def may_reset_otp(actor: User, target: User) -> bool:
    """A user's second factor is reset by the security administrator alone, for users it manages, never its
    own (its own device it replaces at /accounts/otp/ with a current code, like everyone)."""
    return _security(actor) and actor.pk != target.pk and may_manage(actor, target)


# 三员分立, least privilege (issue 11): the pages (URL names, ``namespace:name``) each of the three
# administrators may open. Everything else answers 403 (LeastPrivilegeMiddleware) and is left out of the
# menu (``User.may_open`` is the navigation's gate too), so the menu and the door cannot disagree.
OWN_PAGES = frozenset(
    {
        "core:home",
        "accounts:login",
        "accounts:logout",
        "accounts:password-change",
        "accounts:otp-status",
        "accounts:otp-verify",
        "accounts:otp-enrol",
        "accounts:token-list",  # one's own tokens; the views check ownership
        "accounts:token-revoke",
        "accounts:session-list",  # one's own sessions
        "accounts:session-end",
    }
)
ROLE_PAGES: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        {
            "core:system-settings",
            "core:system-reference",
            "core:system-reference-edit",
            "core:system-jobs",
            # The routing rule form picks unions with an autocomplete (names only, no personal data).
            "core:autocomplete",
            "joining:rule-list",
            "joining:rule-add",
            "joining:rule-edit",
            "joining:rule-delete",
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {
            "accounts:user-list",
            "accounts:user-add",
            "accounts:user-edit",
            "accounts:user-delete",
            "accounts:user-otp-reset",
            "accounts:lockout-list",
            "accounts:lockout-unlock",
            "accounts:session-all",
            "accounts:token-all",
            "accounts:token-scope",
            # The user form picks a union, the token form an owner, with an autocomplete.
            "core:autocomplete",
        }
    ),
    # The audit log and its export (a query parameter of the same page).
    Role.AUDITOR: frozenset({"accounts:audit-list"}),
}
# Whole namespaces: the Django admin (when GONGHUI_ADMIN_ENABLED; its site checks can_administer_system).
ROLE_NAMESPACES: dict[str, frozenset[str]] = {Role.SYSTEM_ADMIN: frozenset({"admin"})}

REFUSED = "三员分立：{role}只能使用本岗位的管理功能（见左侧菜单），不能打开业务页面。"


def may_open(user, view_name: str | None) -> bool:
    """Whether ``user`` may open the page named ``view_name``. Only the three administrators are
    restricted here; every other role keeps the rules of each view (scope, role predicates)."""
    if getattr(user, "role", None) not in SEPARATED_ROLES or user.is_superuser:
        return True  # the anonymous visitor too: the login pages and views decide
    if not view_name:
        return False
    if view_name in OWN_PAGES or view_name in ROLE_PAGES.get(user.role, frozenset()):
        return True
    namespace = view_name.rpartition(":")[0]
    return bool(namespace) and namespace in ROLE_NAMESPACES.get(user.role, frozenset())


def refusal(user: User) -> str:
    return REFUSED.format(role=user.get_role_display())
