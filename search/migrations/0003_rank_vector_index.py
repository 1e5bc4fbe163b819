# A GIN index on the PostgreSQL engine's small vector, so a search finds the pages with the words in the title or
# summary without reading the rows (search/engine.py, PostgreSQLEngine._candidates). The title marks it also looks
# for are written at save: run `rebuild_search_index` after migrating (until then title matches count as summary
# matches). Nothing happens on other databases.
from django.db import migrations

INDEX = "education_search_pg_rank_vector"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON education_search_pg USING gin (rank_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_postgresql_vectors"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
