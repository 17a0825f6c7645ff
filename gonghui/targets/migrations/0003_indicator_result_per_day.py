# Indicator results kept per day (node, day) instead of one row per node.

from django.db import migrations, models


def fill_day(apps, schema_editor):
    from django.utils import timezone

    IndicatorResult = apps.get_model("targets", "IndicatorResult")
    for result in IndicatorResult.objects.all():
        result.day = timezone.localdate(result.computed_at)
        result.save(update_fields=["day"])


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_tree_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorresult",
            name="day",
            field=models.DateField(null=True, verbose_name="统计日期"),
        ),
        migrations.RunPython(fill_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicatorresult",
            name="day",
            field=models.DateField(verbose_name="统计日期"),
        ),
        migrations.RemoveConstraint(
            model_name="indicatorresult",
            name="indicator_result_one_per_node",
        ),
        migrations.AddConstraint(
            model_name="indicatorresult",
            constraint=models.UniqueConstraint(fields=("node", "day"), name="indicator_result_node_day"),
        ),
    ]
