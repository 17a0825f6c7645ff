from django.db import migrations, models

from gonghui.core.search import AddIndexConcurrentlyOnPostgres, RemoveIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY on PostgreSQL: a province's members keep joining

    dependencies = [
        ("members", "0008_member_union_join_date_id_index"),
    ]

    # The list's order index now carries the union and the list's filters (index-only pages of a subtree,
    # filtered or not: core.scope.under); the new one is built before the old one goes, so the list is
    # never without an index in its order.
    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="member",
            index=models.Index(
                fields=["join_date", "id"],
                include=["union", "status", "is_migrant_worker", "new_form_group", "sex"],
                name="member_join_date_id_cover",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="member", name="member_join_date_id"),
    ]
