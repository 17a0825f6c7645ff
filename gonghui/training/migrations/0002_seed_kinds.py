from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.training.reference import seed_from_apps

    seed_from_apps(apps)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
