"""Search documents carry the moment their item becomes visible, so a search filters on its own rows.

Before, every search checked each match against its item's table: most of the time of a search for a common word.
"""
from django.db import migrations, models

KIND_MODELS = {"article": "Article", "procedure": "ProcedureNote", "faq": "FAQ"}


def copy_visibility(apps, schema_editor):
    # The same rule as Publishable.visible_from: the publish time once published, else none.
    SearchDocument = apps.get_model("education", "SearchDocument")
    for kind, model_name in KIND_MODELS.items():
        model = apps.get_model("education", model_name)
        for pk, publish_at in model.objects.filter(status="published").values_list("pk", "publish_at").iterator():
            SearchDocument.objects.filter(kind=kind, object_id=pk).update(visible_from=publish_at)
    if schema_editor.connection.vendor == "sqlite":
        # The search joins each FTS5 match to its document by id; this index answers the join and both filters
        # without reading the document row, whose long texts come before visible_from.
        schema_editor.execute(
            "CREATE INDEX search_document_visible ON education_searchdocument (id, language, visible_from)"
        )
    if schema_editor.connection.vendor == "postgresql":
        # The PostgreSQL engine's own narrow table already stands in for the document rows when searching.
        schema_editor.execute("ALTER TABLE education_search_pg ADD COLUMN visible_from timestamp with time zone")
        schema_editor.execute(
            "UPDATE education_search_pg s SET visible_from = d.visible_from "
            "FROM education_searchdocument d WHERE d.id = s.document_id"
        )


def drop_engine_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_visible")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE education_search_pg DROP COLUMN visible_from")


class Migration(migrations.Migration):

    dependencies = [
        ("education", "0003_article_publish_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="visible_from",
            field=models.DateTimeField(blank=True, null=True, verbose_name="visible from"),
        ),
        migrations.RunPython(copy_visibility, drop_engine_columns),
    ]
