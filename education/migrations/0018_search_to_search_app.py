# SearchDocument, Synonym and SearchWord moved to the search app (search/migrations/0001 takes over the same tables):
# education forgets them, in Django's state only. No SQL runs, no data moves.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("education", "0017_image_to_images_app"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchDocument"),
                migrations.DeleteModel(name="SearchWord"),
                migrations.DeleteModel(name="Synonym"),
            ],
            database_operations=[],
        ),
    ]
