"""The six kinds and 工会驿站's 六有 items, so that a fresh database can register venues at once."""

from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.venues.services import KINDS, SIX_HAVES

    VenueKind = apps.get_model("venues", "VenueKind")
    ChecklistItem = apps.get_model("venues", "ChecklistItem")
    for order, (code, name, color) in enumerate(KINDS):
        VenueKind.objects.get_or_create(code=code, defaults={"name": name, "color": color, "order": order})
    station = VenueKind.objects.get(code="station")
    for order, (code, name, description) in enumerate(SIX_HAVES):
        ChecklistItem.objects.get_or_create(
            kind=station, code=code, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
