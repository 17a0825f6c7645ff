from django.apps import AppConfig


class JoiningConfig(AppConfig):
    name = "gonghui.joining"
    verbose_name = "网上入会"

    def ready(self) -> None:
        from gonghui.core import navigation

        # The predicate ReviewerMixin enforces.
        navigation.register(
            "入会审核", "joining:queue", "bi-person-plus", 45, lambda u: u.can_review, section="组织与会员"
        )
        navigation.register(
            "会籍转接",
            "joining:transfer-list",
            "bi-arrow-left-right",
            46,
            lambda u: u.can_review,
            section="组织与会员",
        )

        # 入会分配规则: the system administrator's (all rules: its node is the root), and each business
        # administrator's for its own subtree (the predicate AdminOnlyMixin enforces).
        navigation.register(
            "入会分配规则",
            "joining:rule-list",
            "bi-signpost-split",
            97,
            lambda u: u.can_manage_routing,
            section="系统管理",
        )
        self.register_console()

        from django.db.models.signals import post_delete, post_save

        from gonghui.orgs.models import UnionOrg

        from . import tasks  # noqa: F401  (registers the periodic auto-confirmation)
        from .models import RoutingRule
        from .routing import invalidate

        # Cached routes name unions and rules: any change to either drops them (see routing.py).
        for model in (RoutingRule, UnionOrg):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"joining-routes-{model.__name__}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"joining-routes-del-{model.__name__}")

    def register_console(self) -> None:
        """The settings this app reads (joining/workdays.py) and its task, on the system administrator's console."""
        from gonghui.core import console

        from . import tasks, workdays

        for key, label, default, maximum, help_text in (
            (
                workdays.REVIEW_KEY,
                "入会申请审核期限",
                workdays.DEFAULT_REVIEW_DAYS,
                60,
                "自提交之日起，工会应在此期限内审核入会申请，逾期的申请在审核页标红",
            ),
            (
                workdays.TRANSFER_KEY,
                "会籍转接答复期限",
                workdays.DEFAULT_TRANSFER_DAYS,
                60,
                "转出工会应在此期限内答复转接申请，逾期未答复的由系统自动确认",
            ),
        ):
            console.register_setting(
                console.SettingSpec(
                    key=key,
                    label=label,
                    default=default,
                    minimum=1,
                    maximum=maximum,
                    help=help_text + "（法定节假日不计，调休上班日计入）",
                    unit=" 个工作日",
                    group="网上入会",
                    per_union=True,
                    on_change=workdays.clear_cached_days,
                )
            )
        console.register_task_label(tasks.auto_confirm_transfers_task, "自动确认逾期的会籍转接")
