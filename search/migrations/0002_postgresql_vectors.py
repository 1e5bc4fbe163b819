# The PostgreSQL engine's table, made by education's migrations 0002, 0004 and 0013 with raw SQL (PostgreSQL only),
# as a model the ORM can query: unmanaged, so nothing runs here.

import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexedVector',
            fields=[
                ('document_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('language', models.CharField(max_length=10)),
                ('kind', models.CharField(max_length=20)),
                ('object_id', models.BigIntegerField()),
                ('visible_from', models.DateTimeField(null=True)),
                ('visible_until', models.DateTimeField(null=True)),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
                ('rank_vector', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'db_table': 'education_search_pg',
                'managed': False,
            },
        ),
    ]
