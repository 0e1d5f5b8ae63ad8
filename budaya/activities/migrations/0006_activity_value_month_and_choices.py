# Issue 25: activities by value (a maintained aggregate beside ActivityMonth, filled from the
# log here) and the version of the activity form's choices per government.

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """Count the activities already logged by value (as ``aggregates.rebuild_values`` does)."""
    ActivityValue = apps.get_model("activities", "ActivityValue")
    ActivityValueMonth = apps.get_model("activities", "ActivityValueMonth")
    cells = {}
    grouped = (
        ActivityValue.objects.filter(activity__status="done")
        .values_list("government_id", "activity__unit_id", "value_id", "activity__date")
        .annotate(count=models.Count("pk"))
        .order_by()
    )
    for government_id, unit_id, value_id, day, count in grouped.iterator(chunk_size=5000):
        key = (government_id, unit_id, value_id, day.replace(day=1))
        cells[key] = cells.get(key, 0) + count
    ActivityValueMonth.objects.bulk_create(
        (
            ActivityValueMonth(government_id=g, unit_id=u, value_id=v, month=m, done=done)
            for (g, u, v, m), done in cells.items()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0005_activity_form_source_from_rulebook"),
        ("frameworks", "0005_neutral_gazette_example"),
        ("org", "0012_letterhead"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivityValueMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                ("done", models.PositiveIntegerField(default=0, verbose_name="activities done")),
                ("government", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="org.government", verbose_name="government")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.unit")),
                ("value", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="frameworks.corevalue")),
            ],
            options={
                "verbose_name": "activities of a month by value",
                "verbose_name_plural": "activities of a month by value",
                "indexes": [models.Index(fields=["government", "month"], name="activity_value_month_by_month")],
                "constraints": [models.UniqueConstraint(fields=("government", "unit", "value", "month"), name="activity_value_month_unique")],
            },
        ),
        migrations.CreateModel(
            name="ActivityChoices",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveBigIntegerField(default=1)),
                ("government", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="org.government", verbose_name="government")),
            ],
            options={
                "verbose_name": "version of the activity form's choices",
                "verbose_name_plural": "versions of the activity form's choices",
                "constraints": [models.UniqueConstraint(fields=("government",), name="activity_choices_per_government")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
