from django.db import migrations, models

from gonghui.core.search import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY on PostgreSQL: a province's members keep joining

    dependencies = [
        ("members", "0009_member_join_date_id_cover_index"),
    ]

    # The per-union order index carries the list's filters too (a subtree's filtered count, index-only);
    # the new one is built before the old one goes.
    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="member",
            index=models.Index(
                fields=["union", "join_date", "id"],
                include=["status", "is_migrant_worker", "new_form_group", "sex"],
                name="member_union_join_date_cover",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="member", name="member_union_join_date_id"),
    ]
