from django.db import migrations

# A finer histogram of the unions' paths on PostgreSQL (default: 100 buckets). A subtree filter is a path
# range, estimated from this histogram: with 100 buckets over 100,000 unions a town's 98 unions and a
# county's 981 were both estimated at ≈ 1,000, and a town's filtered member page walked the whole
# join-date index of the province (380 ms) instead of reading its unions' members (50 ms).
STATISTICS = 10_000


def _set(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = apps.get_model("orgs", "UnionOrg")._meta.db_table
            schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "path" SET STATISTICS {target}')
            schema_editor.execute(f'ANALYZE "{table}"')

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0010_workplace_name_normalized"),
    ]

    operations = [migrations.RunPython(_set(STATISTICS), _set(-1))]
