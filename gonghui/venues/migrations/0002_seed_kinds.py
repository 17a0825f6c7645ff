"""The six kinds and 工会驿站's 六有 items, so that a fresh database can register venues at once."""

from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.venues.services import ensure_venue_kinds

    ensure_venue_kinds(apps)


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
