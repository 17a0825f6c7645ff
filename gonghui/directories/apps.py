from django.apps import AppConfig


class DirectoriesConfig(AppConfig):
    name = "gonghui.directories"
    verbose_name = "名录与未建会清单"

    def ready(self) -> None:
        from gonghui.core import badges, navigation
        from gonghui.core import reference as seeding
        from gonghui.imports import engine

        from .importer import DirectoryImporter
        from .reference import seed_sources

        engine.register(DirectoryImporter)
        seeding.seed_after_migrate(self, "DirectorySource", seed_sources)
        navigation.register("名录", "directories:entry-list", "bi-journal-text", 35, section="未建会排查")
        navigation.register(
            "名录匹配确认", "directories:confirm", "bi-check2-square", 36, section="未建会排查"
        )
        badges.register("orgs.workplace", closed_badges)

        from . import worklist_setup  # the list (清单), claims and numbers

        worklist_setup.register()


def closed_badges(workplace) -> list[tuple[str, str]]:
    """A workplace some directory lists as 注销 / 吊销 (still listed): a warning on its page."""
    from .models import DirectoryEntry

    rows = (
        DirectoryEntry.objects.filter(workplace=workplace, is_closed=True, is_listed=True)
        .select_related("source", "last_edition")
        .order_by("source__order")
    )
    return [
        (
            f"{e.source.name}名录显示{e.registration_status or '已注销'}"
            + (f"（截至 {e.last_edition.as_of:%Y-%m-%d}）" if e.last_edition else ""),
            "warning",
        )
        for e in rows
    ]
