"""What the model-worker register hands core, imports and the member page (called from
``ModelWorkersConfig.ready()``): menu entries, export columns, the import, the people autocomplete of the
studio form, the console setting, and the titles panel of the member page."""

from __future__ import annotations

from gonghui.core import exports, navigation, panels
from gonghui.core.forms import AutocompleteSource, register_autocomplete


def member_titles_panel(member, request) -> dict | None:
    """The model-worker titles of the person behind a member record, found by the keyed ID hash. Only for
    a viewer who may see that member (the page is scoped; checked again here, since a panel must not
    widen what its page shows). The titles themselves are public honours; the register's record is
    linked only when the viewer's subtree holds it."""
    from gonghui.members.models import Member

    from .models import ModelWorker, Title

    user = request.user
    if not member.id_hash or not Member.objects.visible_to(user).filter(pk=member.pk).exists():
        return None
    titles = list(
        Title.objects.filter(person__id_hash=member.id_hash)
        .select_related("kind", "person")
        .order_by("-year")
    )
    if not titles:
        return None
    record = ModelWorker.objects.visible_to(user).filter(id_hash=member.id_hash).first()
    return {"mw_titles": titles, "mw_record": record}


def _person_label(person) -> str:
    return f"{person.name}（{person.id_masked}）"


def register() -> None:
    from gonghui.imports import engine

    from . import exports as columns
    from . import settings
    from .importer import ModelWorkerImporter
    from .models import ModelWorker, Service, Studio

    can_read = lambda u: navigation.governs_a_node(u) and u.reads_personal_data  # noqa: E731
    navigation.register("劳模工匠", "modelworkers:person-list", "bi-star", 70, can_read, section="队伍与阵地")
    navigation.register(
        "创新工作室", "modelworkers:studio-list", "bi-lightbulb", 70, can_read, section="队伍与阵地"
    )
    navigation.register(
        "劳模服务", "modelworkers:service-list", "bi-heart-pulse", 70, can_read, section="队伍与阵地"
    )
    exports.register(
        ModelWorker,
        columns.PERSON_EXPORT,
        sensitive=True,
        related=columns.PERSON_RELATED,
        masked_headers=columns.PERSON_MASKED_HEADERS,
    )
    exports.register(Studio, columns.STUDIO_EXPORT, related=("union", "leader"))
    exports.register(Service, columns.SERVICE_EXPORT, related=("kind", "person", "person__union"))
    engine.register(ModelWorkerImporter)
    register_autocomplete(
        AutocompleteSource(
            "model-workers", lambda user: ModelWorker.objects.visible_to(user), label=_person_label
        )
    )
    settings.register()
    panels.register("members.member", "modelworkers/_member_panel.html", member_titles_panel, order=50)
