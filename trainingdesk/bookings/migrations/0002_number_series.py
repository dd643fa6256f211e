from django.db import migrations


def create_series(apps, schema_editor):
    NumberSeries = apps.get_model("bookings", "NumberSeries")
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(create_series, migrations.RunPython.noop)]
