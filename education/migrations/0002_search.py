"""The search index: SearchDocument holds the text; each engine keeps its own full-text index beside it.

SQLite gets an FTS5 table whose rowid is the SearchDocument id and which holds stemmed words (education/search.py
stems them, as FTS5 has no Italian stemmer). PostgreSQL gets a table of weighted tsvectors (one to match, with a GIN
index, and a smaller one to rank), and text search configurations that strip accents (unaccent) before stemming,
so "perche" finds "perché".
"""
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE education_search_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARDS = ["DROP TABLE IF EXISTS education_search_fts"]

POSTGRESQL_FORWARDS = [
    "CREATE TEXT SEARCH CONFIGURATION clinic_english (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION clinic_english ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION clinic_italian (COPY = pg_catalog.italian)",
    "ALTER TEXT SEARCH CONFIGURATION clinic_italian ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, italian_stem",
    # kind, object_id and language are copied here so that a search never reads the large document rows.
    # No foreign key: Django's test flush truncates the document table alone; the engine deletes vectors itself.
    "CREATE TABLE education_search_pg ("
    "document_id bigint PRIMARY KEY, "
    "language varchar(10) NOT NULL, kind varchar(20) NOT NULL, object_id bigint NOT NULL, "
    "vector tsvector NOT NULL, rank_vector tsvector NOT NULL)",
    "CREATE INDEX education_search_pg_vector ON education_search_pg USING gin (vector)",
]
POSTGRESQL_BACKWARDS = [
    "DROP TABLE IF EXISTS education_search_pg",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS clinic_italian",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS clinic_english",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


create_engine_index = _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS})
drop_engine_index = _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS})


class Migration(migrations.Migration):

    dependencies = [
        ('education', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=20, verbose_name='kind')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='item')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('title', models.TextField(verbose_name='title')),
                ('summary', models.TextField(blank=True, verbose_name='in brief')),
                ('body', models.TextField(blank=True, verbose_name='body')),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
                'constraints': [
                    models.UniqueConstraint(fields=('kind', 'object_id', 'language'), name='search_document_unique')
                ],
            },
        ),
        # Does nothing on other databases.
        UnaccentExtension(),
        migrations.RunPython(create_engine_index, drop_engine_index),
    ]
