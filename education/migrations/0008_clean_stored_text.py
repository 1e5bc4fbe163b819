"""Clean text stored before text was cleaned on save (education.text.clean_text): line ends, control characters.

A NUL byte could not be refused when it was typed, so here it is dropped.
"""
from django.db import migrations

from education.text import clean_text, text_fields


def clean_stored_text(apps, schema_editor):
    for model in apps.get_app_config("education").get_models():
        fields = [field.attname for field in text_fields(model)]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *fields).iterator():
            changed = {
                name: clean_text(value.replace("\x00", ""))
                for name, value in row.items()
                if name != "pk" and isinstance(value, str) and clean_text(value.replace("\x00", "")) != value
            }
            if changed:
                model._base_manager.filter(pk=row["pk"]).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("education", "0007_search_lemmas_synonyms")]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop, elidable=True)]
