from django.db import migrations, models

from gonghui.core.search import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # built CONCURRENTLY on PostgreSQL: a province's members keep joining

    dependencies = [
        ("members", "0007_member_join_date_id_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="member",
            index=models.Index(fields=["union", "join_date", "id"], name="member_union_join_date_id"),
        ),
    ]
