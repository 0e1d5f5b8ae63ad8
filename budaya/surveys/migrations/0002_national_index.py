"""The national Indeks BerAKHLAK of 2022 and 2023 (issue 22), kept as data with its source and
editable by the system administrator when a new figure appears."""

from decimal import Decimal

from django.db import migrations

SOURCE = "Kementerian PANRB, pengukuran Indeks BerAKHLAK nasional {year}"
FIGURES = {2022: Decimal("60.9"), 2023: Decimal("61.1")}


def add(apps, schema_editor):
    NationalIndex = apps.get_model("surveys", "NationalIndex")
    for year, value in FIGURES.items():
        NationalIndex.objects.get_or_create(
            year=year, defaults={"value": value, "source": SOURCE.format(year=year)}
        )


def remove(apps, schema_editor):
    apps.get_model("surveys", "NationalIndex").objects.filter(year__in=FIGURES).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
