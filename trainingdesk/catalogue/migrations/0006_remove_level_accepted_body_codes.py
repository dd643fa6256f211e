"""The JSON list of codes goes, now that migration 0005 copied it into the table. A migration of
its own, so that on PostgreSQL the level's table is altered in a transaction that wrote no rows
pointing at it (such rows leave deferred foreign-key checks pending)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0005_level_accepted_bodies_table"),
    ]

    operations = [
        migrations.RemoveField(model_name="level", name="accepted_body_codes"),
    ]
