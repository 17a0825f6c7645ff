from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.people.reference import seed_reference

    seed_reference(apps.get_model("people", "Post"), apps.get_model("people", "SubsidyGrade"),
                   apps.get_model("people", "AppraisalGrade"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
