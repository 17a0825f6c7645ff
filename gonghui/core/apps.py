from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from gonghui.core import checks, lookups, navigation  # noqa: F401 (checks registers itself)

        lookups.register()

        navigation.register("首页", "core:home", "bi-house", 0, navigation.anyone)
        # 系统管理员 (issue 11): its console, for that role alone (the predicate the views enforce).
        for label, url_name, icon, order in (
            ("系统设置", "core:system-settings", "bi-sliders", 95),
            ("参考数据", "core:system-reference", "bi-card-list", 96),
            ("后台任务", "core:system-jobs", "bi-gear-wide-connected", 98),
        ):
            navigation.register(
                label,
                url_name,
                icon,
                order,
                lambda u: bool(getattr(u, "can_administer_system", False)),
                section="系统管理",
            )


class GonghuiAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the hardened site (gonghui.core.admin_site) as ``admin.site``."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "gonghui.core.admin_site.GonghuiAdminSite"
