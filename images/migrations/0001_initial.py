# The Image model moves here from the education app. Its table stays "education_image" and was created by
# education's migration 0001, so this only tells Django's state about it: no SQL runs.
import images.models
import images.processing
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the permissions granted on images (and the admin log) by renaming the content type, when one exists."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="images", model="image").exists():
        ContentType.objects.using(db).filter(app_label="education", model="image").update(app_label="images")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="education", model="image").exists():
        ContentType.objects.using(db).filter(app_label="images", model="image").update(app_label="education")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("education", "0016_packs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Image',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(help_text='A JPEG, PNG or WebP file, at most 10 MB and 40 million pixels. Location, camera and other hidden details are removed.', max_length=200, upload_to=images.models.image_upload_to, validators=[images.processing.validate_upload], verbose_name='image file')),
                        ('width', models.PositiveIntegerField(default=0, editable=False, verbose_name='width')),
                        ('height', models.PositiveIntegerField(default=0, editable=False, verbose_name='height')),
                        ('format', models.CharField(choices=[('JPEG', 'JPEG'), ('PNG', 'PNG'), ('WEBP', 'WebP')], editable=False, max_length=4, verbose_name='format')),
                        ('alt', models.CharField(blank=True, help_text='What the image shows, in one short sentence, for people who cannot see it.', max_length=250, verbose_name='alternative text')),
                        ('alt_en', models.CharField(blank=True, help_text='What the image shows, in one short sentence, for people who cannot see it.', max_length=250, null=True, verbose_name='alternative text')),
                        ('alt_it', models.CharField(blank=True, help_text='What the image shows, in one short sentence, for people who cannot see it.', max_length=250, null=True, verbose_name='alternative text')),
                        ('decorative', models.BooleanField(default=False, help_text='Tick only when the image adds nothing to the text. Screen readers then skip it.', verbose_name='decorative')),
                        ('credit', models.CharField(blank=True, help_text='Who made the image and under which licence, e.g. “Photo: A. Rossi, CC BY 4.0”.', max_length=250, verbose_name='credit and licence')),
                        ('credit_en', models.CharField(blank=True, help_text='Who made the image and under which licence, e.g. “Photo: A. Rossi, CC BY 4.0”.', max_length=250, null=True, verbose_name='credit and licence')),
                        ('credit_it', models.CharField(blank=True, help_text='Who made the image and under which licence, e.g. “Photo: A. Rossi, CC BY 4.0”.', max_length=250, null=True, verbose_name='credit and licence')),
                        ('renditions', models.JSONField(default=list, editable=False, verbose_name='renditions')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'verbose_name': 'image',
                        'verbose_name_plural': 'images',
                        'db_table': 'education_image',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
