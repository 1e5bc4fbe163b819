# SearchDocument, Synonym and SearchWord move here from the education app. Their tables keep their names and were
# made by education's migrations (0002, 0007, 0013, with the engines' own tables beside them), so this only tells
# Django's state about them: no SQL runs, no data moves.
from django.db import migrations, models

MODELS = ["searchdocument", "synonym", "searchword"]


def move_content_types(apps, schema_editor, source="education", target="search"):
    """Keep the permissions granted on these models (and the admin log) by renaming their content types."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="search", target="education")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("education", "0017_image_to_images_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
                        'db_table': 'education_synonym',
                        'ordering': ['language', 'terms'],
                    },
                ),
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
                        ('visible_from', models.DateTimeField(blank=True, null=True, verbose_name='visible from')),
                        ('visible_until', models.DateTimeField(blank=True, null=True, verbose_name='visible until')),
                    ],
                    options={
                        'verbose_name': 'search document',
                        'verbose_name_plural': 'search documents',
                        'db_table': 'education_searchdocument',
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'language'), name='search_document_unique')],
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
                        'db_table': 'education_searchword',
                        'constraints': [models.UniqueConstraint(fields=('language', 'word'), name='search_word_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
