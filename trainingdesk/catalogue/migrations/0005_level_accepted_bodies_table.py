"""A level's accepted professional bodies become rows of accounts' table of bodies instead of a
JSON list of codes. Each code is looked up (in capitals, trimmed); a code the table lacks (typed
by hand into the old list) becomes a retired body of that name rather than being lost, for the
coordinator to name or merge. Reversed, the codes are written back in the bodies' order."""

from django.db import migrations, models


def codes_to_bodies(apps, schema_editor):
    Level = apps.get_model("catalogue", "Level")
    ProfessionalBody = apps.get_model("accounts", "ProfessionalBody")
    for level in Level.objects.exclude(accepted_body_codes=[]):
        codes = level.accepted_body_codes if isinstance(level.accepted_body_codes, list) else []
        bodies = []
        for raw in codes:
            code = str(raw).strip().upper()
            if not code:
                continue
            body, _created = ProfessionalBody.objects.get_or_create(
                code=code[:20], defaults={"name": code, "position": 50, "active": False})
            bodies.append(body)
        level.accepted_bodies.set(bodies)


def bodies_to_codes(apps, schema_editor):
    Level = apps.get_model("catalogue", "Level")
    for level in Level.objects.prefetch_related("accepted_bodies"):
        level.accepted_body_codes = [
            body.code for body in sorted(level.accepted_bodies.all(),
                                         key=lambda body: (body.position, body.code))]
        level.save(update_fields=["accepted_body_codes"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_professional_bodies_table"),
        ("catalogue", "0004_provider_pages_and_programme_statements"),
    ]

    operations = [
        migrations.RenameField(
            model_name="level", old_name="accepted_bodies", new_name="accepted_body_codes",
        ),
        migrations.AddField(
            model_name="level",
            name="accepted_bodies",
            field=models.ManyToManyField(blank=True, help_text="The bodies whose registration admits a person, such as HCPC, UKCP, BACP, NMC, GMC. Bodies are added in People: professional bodies.", related_name="levels", to="accounts.professionalbody", verbose_name="accepted professional bodies"),
        ),
        migrations.RunPython(codes_to_bodies, bodies_to_codes),
    ]
