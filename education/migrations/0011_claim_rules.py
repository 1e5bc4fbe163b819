"""The staff's list of risky-claim rules, started with the rules shipped in education/data/risky_phrases.txt."""
from django.db import migrations, models


def load_shipped_rules(apps, schema_editor):
    from education.rules import seed_shipped_rules

    # The version is written to the content-version table (migration 0010), where 0013 keeps it.
    seed_shipped_rules(apps.get_model("education", "ClaimRule"), schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('education', '0010_content_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimRulesVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32)),
            ],
            options={
                'verbose_name': 'risky-claim rules version',
            },
        ),
        migrations.CreateModel(
            name='ClaimRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('it', 'Italian')], max_length=8, verbose_name='language')),
                ('category', models.CharField(choices=[('absolute-safety', 'absolute safety'), ('promise', 'promise'), ('superiority', 'superiority'), ('hype', 'hype'), ('pressure', 'pressure')], max_length=20, verbose_name='kind of claim')),
                ('pattern', models.CharField(help_text="The claim's words in their base form (guarantee, sicuro): every form matches, and misspellings too. a/b: either word; word?: may be missing; ..2: up to two words of any kind; {harm}: any entry of that word list; =word: only this form. Denied claims (“nobody can guarantee results”) never count.", max_length=200, verbose_name='pattern')),
                ('reason', models.CharField(help_text='Shown to the editor.', max_length=300, verbose_name='why it is risky')),
                ('suggestion', models.CharField(help_text='Shown to the editor: a safer way to say it.', max_length=300, verbose_name='safer wording')),
                ('active', models.BooleanField(default=True, help_text='Only active rules check texts.', verbose_name='active')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'risky-claim rule',
                'verbose_name_plural': 'risky-claim rules',
                'ordering': ['language', 'category', 'pattern'],
                'constraints': [models.UniqueConstraint(fields=('language', 'pattern'), name='unique_claim_rule_pattern', violation_error_message='This language already has a rule with this pattern.')],
            },
        ),
        migrations.RunPython(load_shipped_rules, migrations.RunPython.noop),
    ]
