from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import login_audit  # noqa: F401  (connects the receivers)
