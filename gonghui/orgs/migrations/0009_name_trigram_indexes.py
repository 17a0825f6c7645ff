# Keyword search on names (issue 9): pg_trgm GIN indexes on UPPER(name), the expression icontains
# compiles to on PostgreSQL. Built CONCURRENTLY (no write lock on a large table while it builds), and
# only on PostgreSQL: SQLite searches with a plain LIKE. See gonghui/core/search.py.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from gonghui.core.search import AddIndexOnPostgres


def trigram(name):
    return django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"),
        name=name,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orgs", "0008_chinese_constraint_messages"),
        ("regions", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexOnPostgres(model_name="unionorg", index=trigram("unionorg_name_trgm")),
        AddIndexOnPostgres(model_name="workplace", index=trigram("workplace_name_trgm")),
    ]
