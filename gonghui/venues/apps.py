from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "gonghui.venues"
    verbose_name = "服务阵地"

    def ready(self) -> None:
        # menu entries, the venue importer, the list's export columns, the venues-per-10,000 indicator
        from gonghui.core import reference

        from . import services, setup

        setup.register()
        reference.seed_after_migrate(self, "VenueKind", lambda apps: services.ensure_venue_kinds(apps))
