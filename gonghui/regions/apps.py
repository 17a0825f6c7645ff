from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gonghui.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from gonghui.core import navigation
        from gonghui.core.forms import AutocompleteSource, register_autocomplete

        from .models import Region

        register_autocomplete(
            AutocompleteSource(
                "regions",
                lambda user: Region.objects.visible_to(user),
                label=lambda r: f"{r.name}（{r.code}）",
            )
        )

        navigation.register("行政区划", "regions:region-list", "bi-map", 10, section="组织与会员")
