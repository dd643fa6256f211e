"""Rate-limit counts kept in the database when there is no Redis, and the database cache's table
made whatever CACHES says now, so that a site can move between Redis and the database."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, "trainingdesk_shared_cache", False)


class Migration(migrations.Migration):
    dependencies = [("lib", "0001_shared_cache_table")]
    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=250, unique=True)),
                ("hits", models.PositiveIntegerField(default=0)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
