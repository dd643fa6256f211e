"""A registration's body becomes a foreign key to the table, by code and in the same column
("body"), so that every existing registration keeps its value: HCPC, UKCP, ..., OTHER were the
codes of the choices, and migration 0004 added a body for each."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_professional_bodies_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="professionalregistration",
            name="body",
            field=models.ForeignKey(db_column="body", on_delete=django.db.models.deletion.PROTECT, related_name="registrations", to="accounts.professionalbody", to_field="code", verbose_name="professional body"),
        ),
    ]
