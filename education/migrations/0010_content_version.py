"""The page cache's content versions (education/cache.py), in the database so every process and machine sees them.

A plain table rather than a model: the cache reads it on every patient request with one raw indexed query, and
nothing else in the portal touches it (so `flush` and backups leave it alone).
"""
import secrets

from django.db import migrations


def first_versions(apps, schema_editor):
    # Random, like every later version: a new database never reuses the keys of pages cached for another one.
    with schema_editor.connection.cursor() as cursor:
        for scope in ("site", "lists"):
            cursor.execute(
                "INSERT INTO education_content_version (scope, version) VALUES (%s, %s)", [scope, secrets.randbits(62)]
            )


class Migration(migrations.Migration):
    dependencies = [("education", "0009_clinical_signoff")]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE education_content_version (scope varchar(64) NOT NULL PRIMARY KEY, version bigint NOT NULL)",
            "DROP TABLE education_content_version",
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
