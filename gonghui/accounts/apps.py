from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from gonghui.core import navigation

        from . import login_audit  # noqa: F401  (connects the receivers)

        # The same predicates the views enforce (AdminRequiredMixin, AuditLogView).
        navigation.register(
            "用户管理", "accounts:user-list", "bi-person-gear", 90, lambda u: u.can_manage_users
        )
        navigation.register("审计日志", "accounts:audit-list", "bi-journal-text", 91, lambda u: u.can_audit)
