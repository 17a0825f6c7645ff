from django.db import migrations, models

from gonghui.core.search import AddIndexConcurrentlyOnPostgres


def _drop_join_date_index(apps, schema_editor):
    # By name, not by AlterField: on SQLite an altered field rebuilds the whole table, with every index of
    # the model state — the PostgreSQL-only trigram index among them, which SQLite cannot create.
    model = apps.get_model("members", "Member")
    for name in schema_editor._constraint_names(model, ["join_date"], index=True):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def _restore_join_date_index(apps, schema_editor):
    model = apps.get_model("members", "Member")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("join_date")]))


class Migration(migrations.Migration):
    atomic = False  # the new index is built CONCURRENTLY on PostgreSQL: a province's members keep joining

    dependencies = [
        ("members", "0006_name_trigram_index"),
        ("orgs", "0010_workplace_name_normalized"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="join_date",
                    field=models.DateField(verbose_name="入会日期"),
                ),
            ],
            database_operations=[migrations.RunPython(_drop_join_date_index, _restore_join_date_index)],
        ),
        # The keyset order of the member list (join date, then pk); it serves join-date ranges too.
        AddIndexConcurrentlyOnPostgres(
            model_name="member",
            index=models.Index(fields=["join_date", "id"], name="member_join_date_id"),
        ),
    ]
