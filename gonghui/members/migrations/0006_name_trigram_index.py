# Keyword search on member names (issue 9): a pg_trgm GIN index on UPPER(name), PostgreSQL only, built
# CONCURRENTLY. The pg_trgm extension is created by orgs 0003. See gonghui/core/search.py.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

from gonghui.core.search import AddIndexOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0005_member_quality_indexes"),
        ("orgs", "0009_name_trigram_indexes"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="member",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="member_name_trgm",
            ),
        ),
    ]
