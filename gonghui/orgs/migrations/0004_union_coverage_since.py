# The union ↔ workplace link gets a date (issue 9 point 5): the plain many-to-many table becomes the
# UnionCoverage model on the same table (state only: columns, indexes and the unique constraint stay),
# then a "since" column: the day the link was made. Backfill: the day the covering union was entered —
# a link made with the union counts from the union's founding (``targets.asof``), as before; links
# added later carry the day they were added.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate


def backfill(apps, schema_editor):
    UnionCoverage = apps.get_model("orgs", "UnionCoverage")
    UnionOrg = apps.get_model("orgs", "UnionOrg")
    entered = UnionOrg.objects.filter(pk=OuterRef("unionorg_id")).values(day=TruncDate("created_at"))[:1]
    UnionCoverage.objects.update(since=Subquery(entered))


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_workplace_dates_and_states"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UnionCoverage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "unionorg",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="orgs.unionorg",
                                verbose_name="工会",
                            ),
                        ),
                        (
                            "workplace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="orgs.workplace",
                                verbose_name="单位",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "工会覆盖单位",
                        "verbose_name_plural": "工会覆盖单位",
                        "db_table": "orgs_unionorg_workplaces",
                        "unique_together": {("unionorg", "workplace")},
                    },
                ),
                migrations.AlterField(
                    model_name="unionorg",
                    name="workplaces",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="联合基层工会、工会联合会可覆盖多个单位；建会率按覆盖单位计算",
                        related_name="unions",
                        through="orgs.UnionCoverage",
                        to="orgs.workplace",
                        verbose_name="覆盖单位",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="unioncoverage",
            name="since",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="覆盖起始日期"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
