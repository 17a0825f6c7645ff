from django.apps import AppConfig

NON_FEDERATION_KINDS = ["committee", "joint"]  # what the "federations" source leaves out


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    verbose_name = "单位与工会组织"

    def ready(self) -> None:
        from gonghui.core import home, navigation
        from gonghui.core.forms import AutocompleteSource, register_autocomplete

        from .models import UnionOrg, Workplace

        # The scoped autocomplete sources of the big foreign keys (the same queryset validates the field
        # and answers core's autocomplete endpoint).
        register_autocomplete(AutocompleteSource("unions", lambda user: UnionOrg.objects.visible_to(user)))
        register_autocomplete(
            AutocompleteSource(
                "active-unions",
                lambda user: UnionOrg.objects.visible_to(user).filter(status=UnionOrg.Status.ACTIVE),
            )
        )
        register_autocomplete(
            AutocompleteSource(
                "federations",
                lambda user: UnionOrg.objects.visible_to(user).exclude(kind__in=NON_FEDERATION_KINDS),
            )
        )
        register_autocomplete(
            AutocompleteSource(
                "workplaces",
                lambda user: Workplace.objects.visible_to(user),
                label=lambda w: f"{w.name}（{w.uscc}）" if w.uscc else w.name,
            )
        )

        home.register_panel("orgs:union-stats", 10)  # the subtree counts of the user's node
        navigation.register("单位", "orgs:workplace-list", "bi-building", 20, section="组织与会员")
        navigation.register("工会组织", "orgs:union-list", "bi-diagram-3", 30, section="组织与会员")
        navigation.register("组织树", "orgs:union-tree", "bi-list-nested", 31, section="组织与会员")

        from gonghui.core import exports
        from gonghui.imports import engine

        from . import exports as columns
        from .importer import UnionImporter, WorkplaceImporter

        exports.register(Workplace, columns.WORKPLACE_EXPORT, related=("region", "governing_union"))
        exports.register(UnionOrg, columns.UNION_EXPORT, related=("region", "parent"))
        engine.register(WorkplaceImporter)
        engine.register(UnionImporter)
