"""Search by lemma: synonyms editors keep, the vocabulary for spelling suggestions, and an FTS5 table for the tokens.

The index now holds each word's form, "=lemma" and "~stem" (education/search.py), so the old index is emptied here:
run `manage.py rebuild_search_index` after migrating (`make run` does). The synonym table starts empty, so that a
backup can be restored into a freshly migrated database: `manage.py load_search_synonyms` adds the shipped list.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def remake_engine_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS education_search_fts")
        # "=" and "~" belong to tokens: lemmas and stems are indexed as "=lemma" and "~stem" (one token each).
        schema_editor.execute(
            "CREATE VIRTUAL TABLE education_search_fts USING fts5("
            "title, summary, body, tokenize = \"unicode61 remove_diacritics 2 tokenchars '=~'\")"
        )
    if vendor == "postgresql":
        schema_editor.execute("DELETE FROM education_search_pg")
        schema_editor.execute(
            "CREATE INDEX education_searchword_trigram ON education_searchword USING gin (word gin_trgm_ops)"
        )
    apps.get_model("education", "SearchDocument").objects.all().delete()


def restore_engine_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS education_search_fts")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE education_search_fts USING fts5("
            "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    if vendor == "postgresql":
        schema_editor.execute("DELETE FROM education_search_pg")
    apps.get_model("education", "SearchDocument").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('education', '0006_clinic_statement_translation_versions'),
    ]

    operations = [
        # Does nothing on other databases.
        TrigramExtension(),
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('it', 'Italian')], max_length=10, verbose_name='language')),
                ('terms', models.TextField(help_text='Words or short phrases that mean the same, separated by commas, e.g. “botox, botulinum toxin”. A search for any of them finds pages with any of them.', verbose_name='terms')),
            ],
            options={
                'verbose_name': 'search synonym',
                'verbose_name_plural': 'search synonyms',
                'ordering': ['language', 'terms'],
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('word', models.CharField(max_length=40, verbose_name='word without accents')),
                ('display', models.CharField(max_length=40, verbose_name='word as written')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
                'constraints': [models.UniqueConstraint(fields=('language', 'word'), name='search_word_unique')],
            },
        ),
        migrations.RunPython(remake_engine_index, restore_engine_index),
    ]
