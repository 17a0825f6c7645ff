from django.apps import AppConfig


class JoiningConfig(AppConfig):
    name = "gonghui.joining"
    verbose_name = "网上入会"

    def ready(self) -> None:
        from gonghui.core import navigation

        # The predicate ReviewerMixin enforces.
        navigation.register("入会审核", "joining:queue", "bi-person-plus", 45, lambda u: u.can_review)
        navigation.register(
            "会籍转接", "joining:transfer-list", "bi-arrow-left-right", 46, lambda u: u.can_review
        )

        from django.db.models.signals import post_delete, post_save

        from gonghui.orgs.models import UnionOrg

        from . import tasks  # noqa: F401  (registers the periodic auto-confirmation)
        from .models import RoutingRule
        from .routing import invalidate

        # Cached routes name unions and rules: any change to either drops them (see routing.py).
        for model in (RoutingRule, UnionOrg):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"joining-routes-{model.__name__}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"joining-routes-del-{model.__name__}")
