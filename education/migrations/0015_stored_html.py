"""Store each item's Markdown as sanitised HTML (Publishable.rendered), and fill it for the rows already there, in
every language, so patient pages stop rendering Markdown per request from the first request after the upgrade."""
from django.db import migrations, models

from education.text import rendered_markdown

# The Markdown fields of each model at this migration (the models' `markdown_fields`, frozen here).
MARKDOWN_FIELDS = {
    "article": ("body",),
    "page": ("body",),
    "faq": ("answer",),
    "procedurenote": (
        "what_it_is", "how_it_works", "who_it_is_for", "before", "during", "aftercare", "risks", "results",
        "when_to_contact",
    ),
}


def fill_rendered(apps, schema_editor):
    for model_name, fields in MARKDOWN_FIELDS.items():
        model = apps.get_model("education", model_name)
        for item in model._base_manager.iterator(chunk_size=500):
            model._base_manager.filter(pk=item.pk).update(rendered=rendered_markdown(item, fields))


class Migration(migrations.Migration):

    dependencies = [
        ('education', '0014_claimrules_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='rendered',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='rendered text'),
        ),
        migrations.AddField(
            model_name='faq',
            name='rendered',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='rendered text'),
        ),
        migrations.AddField(
            model_name='page',
            name='rendered',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='rendered text'),
        ),
        migrations.AddField(
            model_name='procedurenote',
            name='rendered',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='rendered text'),
        ),
        migrations.RunPython(fill_rendered, migrations.RunPython.noop, elidable=True),
    ]
