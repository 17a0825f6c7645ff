from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = "会员"

    def ready(self) -> None:
        from gonghui.core import navigation
        from gonghui.orgs.stats import register_counter

        from .stats import subtree_member_counts

        navigation.register("会员", "members:member-list", "bi-people", 40)
        register_counter(subtree_member_counts)  # the member figures of the tree page and union stats

        from gonghui.imports import engine

        from .importer import MemberImporter

        engine.register(MemberImporter)
