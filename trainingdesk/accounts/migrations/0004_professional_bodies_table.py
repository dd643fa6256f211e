"""Professional bodies become a table the coordinator edits, seeded with the bodies the brochure
names and the formats of their registration numbers (trainingdesk/accounts/bodies.py)."""


import django.core.validators
from django.db import migrations, models

import trainingdesk.accounts.models


def add_bodies(apps, schema_editor):
    from trainingdesk.accounts.bodies import add_published_bodies

    add_published_bodies(apps.get_model("accounts", "ProfessionalBody"))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_user_zoom_report_zone"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProfessionalBody",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(help_text="Short and unchanging, such as HCPC: registrations refer to the body by it.", max_length=20, unique=True, validators=[django.core.validators.RegexValidator("^[A-Z0-9]{2,20}$", "Use 2 to 20 capital letters or digits, such as HCPC.")], verbose_name="code")),
                ("name", models.CharField(help_text="As people choose it from the list, such as “HCPC (Health and Care Professions Council)”.", max_length=200, verbose_name="name")),
                ("number_pattern", models.CharField(blank=True, help_text="A regular expression the whole number must match, in capitals and without spaces, such as ^[A-Z]{2,3}\\d{4,6}$. Empty when the body publishes no format: then any number is accepted.", max_length=200, validators=[trainingdesk.accounts.models.validate_regular_expression], verbose_name="format of registration numbers")),
                ("number_example", models.CharField(blank=True, help_text="A number in the body's format, such as PYL12345: shown when a number is refused.", max_length=50, verbose_name="example number")),
                ("number_hint", models.CharField(blank=True, help_text="Plain words for the profile page, such as “Two or three letters for your profession, then digits, as on the HCPC register.”", max_length=300, verbose_name="where to find the number")),
                ("position", models.PositiveSmallIntegerField(default=10, verbose_name="position in the list")),
                ("active", models.BooleanField(default=True, help_text="Untick to retire a body: registrations with it are kept.", verbose_name="offered on the profile page")),
            ],
            options={
                "verbose_name": "professional body",
                "verbose_name_plural": "professional bodies",
                "ordering": ["position", "code"],
            },
        ),
        migrations.RunPython(add_bodies, migrations.RunPython.noop),
    ]
