"""The claim rules' version moves into the content-version table (scope "claimrules", education/cache.py): one store
of versions. A new random version is written, so every process compiles the rules again once."""
import secrets
import uuid

from django.db import migrations, models


def to_content_versions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO education_content_version (scope, version) VALUES ('claimrules', %s) "
            "ON CONFLICT (scope) DO UPDATE SET version = excluded.version",
            [secrets.randbits(62)],
        )


def to_own_table(apps, schema_editor):
    apps.get_model("education", "ClaimRulesVersion").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ("education", "0013_visible_until"),
    ]

    operations = [
        migrations.RunPython(to_content_versions, to_own_table),
        migrations.DeleteModel(name="ClaimRulesVersion"),
    ]
