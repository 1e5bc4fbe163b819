# Image moved to the images app (images/migrations/0001 takes over the same "education_image" table): the
# foreign keys point there and education forgets the model, in Django's state only. No SQL runs, no data moves.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('education', '0016_packs'),
        ('images', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='procedurenote',
                    name='image',
                    field=models.ForeignKey(blank=True, help_text='Shown at the top of the page.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='procedures', to='images.image', verbose_name='image'),
                ),
                migrations.AlterField(
                    model_name='clinician',
                    name='photo',
                    field=models.ForeignKey(blank=True, help_text='Shown small next to the pages this clinician reviewed.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='clinicians', to='images.image', verbose_name='photo'),
                ),
                migrations.AlterField(
                    model_name='article',
                    name='image',
                    field=models.ForeignKey(blank=True, help_text='Shown at the top of the page.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='images.image', verbose_name='image'),
                ),
                migrations.DeleteModel(
                    name='Image',
                ),
            ],
            database_operations=[],
        ),
    ]
