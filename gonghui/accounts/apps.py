from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.utils import timezone

        from gonghui.core import exports, navigation
        from gonghui.core.forms import AutocompleteSource, register_autocomplete
        from gonghui.core.models import AuditEvent

        from . import login_audit, middleware, roles  # noqa: F401  (login_audit connects the receivers)
        from .models import User
        from .templatetags.accounts_tags import model_verbose_name

        # The owner of a token the security administrator issues (TokenIssueForm): the active users of its
        # subtree, found by username; nobody else is offered any user.
        register_autocomplete(
            AutocompleteSource(
                "token-owners",
                lambda user: (
                    User.objects.visible_to(user).filter(is_active=True)
                    if getattr(user, "is_security_admin", False)
                    else User.objects.none()
                ),
                search_field="username",
                label=lambda u: f"{u.username}（{u.full_name}）" if u.full_name else u.username,
            )
        )

        # 三员分立 (issue 11): the menu asks the rule LeastPrivilegeMiddleware enforces at the door.
        navigation.set_page_rule(roles.may_open)
        # The same predicates the views enforce (AdminRequiredMixin, AuditLogView).
        navigation.register(
            "用户管理",
            "accounts:user-list",
            "bi-person-gear",
            90,
            lambda u: u.can_manage_users,
            section="系统管理",
        )
        # The audit administrator's export of the audit log (AuditLogView): Chinese headers and values.
        exports.register(
            AuditEvent,
            [
                ("时间", lambda e, full: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
                ("用户名", exports.attr("username")),
                ("操作", exports.display("action")),
                ("对象类型", lambda e, full: model_verbose_name(e.object_type)),
                ("对象编号", exports.attr("object_id")),
                ("对象", exports.attr("object_repr")),
                ("IP 地址", lambda e, full: e.ip or ""),
                ("说明", exports.attr("detail")),
            ],
        )
        # The security administrator's tools (三员分立): the predicate its views enforce.
        navigation.register(
            "登录锁定",
            "accounts:lockout-list",
            "bi-unlock",
            92,
            lambda u: u.is_security_admin,
            section="系统管理",
        )
        navigation.register(
            "会话",
            "accounts:session-all",
            "bi-pc-display",
            93,
            lambda u: u.is_security_admin,
            section="系统管理",
        )
        navigation.register(
            "令牌", "accounts:token-all", "bi-key", 94, lambda u: u.is_security_admin, section="系统管理"
        )
        navigation.register(
            "审计日志",
            "accounts:audit-list",
            "bi-journal-text",
            91,
            lambda u: u.can_audit,
            section="系统管理",
        )
        navigation.register(
            "动态验证码", "accounts:otp-status", "bi-shield-lock", 95, navigation.anyone, section="系统管理"
        )

        # django-otp's admin would show every user's TOTP secret (and its QR code) to whoever reads the
        # admin: secrets are managed on the users' own pages and by the security administrator's reset.
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
