"""Search documents carry their item's expiry too, so a search applies the whole published rule to its own rows
(an expired item was counted among the matches, then dropped from the page)."""
from django.db import migrations, models

KIND_MODELS = {"article": "Article", "procedure": "ProcedureNote", "faq": "FAQ"}


def copy_expiry(apps, schema_editor):
    SearchDocument = apps.get_model("education", "SearchDocument")
    for kind, model_name in KIND_MODELS.items():
        model = apps.get_model("education", model_name)
        published = model.objects.filter(status="published", expire_at__isnull=False)
        for pk, expire_at in published.values_list("pk", "expire_at").iterator():
            SearchDocument.objects.filter(kind=kind, object_id=pk).update(visible_until=expire_at)
    if schema_editor.connection.vendor == "sqlite":
        # As in 0004: the search's join and filters answered from this index alone, now with both bounds.
        schema_editor.execute("DROP INDEX IF EXISTS search_document_visible")
        schema_editor.execute(
            "CREATE INDEX search_document_visible ON education_searchdocument "
            "(id, language, visible_from, visible_until)"
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE education_search_pg ADD COLUMN visible_until timestamp with time zone")
        schema_editor.execute(
            "UPDATE education_search_pg s SET visible_until = d.visible_until "
            "FROM education_searchdocument d WHERE d.id = s.document_id"
        )


def drop_expiry(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_visible")
        schema_editor.execute(
            "CREATE INDEX search_document_visible ON education_searchdocument (id, language, visible_from)"
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE education_search_pg DROP COLUMN visible_until")


class Migration(migrations.Migration):

    dependencies = [
        ("education", "0012_leaflet_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="visible_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="visible until"),
        ),
        migrations.RunPython(copy_expiry, drop_expiry),
    ]
