from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = "会员"

    def ready(self) -> None:
        from gonghui.core import navigation
        from gonghui.orgs.stats import register_counter

        from .stats import subtree_member_counts

        # The predicate the member pages enforce (三员分立: not the three administrators).
        navigation.register(
            "会员",
            "members:member-list",
            "bi-people",
            40,
            lambda u: navigation.governs_a_node(u) and u.reads_personal_data,
            section="组织与会员",
        )
        register_counter(subtree_member_counts)  # the member figures of the tree page and union stats

        from gonghui.core import exports
        from gonghui.imports import engine

        from . import exports as columns
        from .importer import MemberImporter
        from .models import Member

        exports.register(
            Member,
            columns.MEMBER_EXPORT,
            sensitive=True,
            related=columns.RELATED,
            masked_headers=columns.MASKED_HEADERS,
        )
        engine.register(MemberImporter)

        from . import console

        console.register()  # 新就业形态群体 on the system administrator's 参考数据 page
