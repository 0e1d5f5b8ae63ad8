"""Issue 18: a period keeps the rulebook version it was made under.

Periods made before the change get their government's current rulebook version (for the demo,
the version ``seed_demo`` loaded from the shipped file): it holds the same form, maturity table,
chain and signatories the code applied to them, so their reports behave as before. Nothing of a
report, a submitted version or a city report is rewritten: their canonical contents and hashes
stay as they were (the form's texts and the signature titles are read from the rulebook when a
document is shown, never stored in the hashed content). A government without a rulebook keeps
null: the starter applies until its administrator loads one.
"""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Period = apps.get_model("monev", "Period")
    RulebookVersion = apps.get_model("rulebook", "RulebookVersion")
    latest: dict[int, int | None] = {}
    for period in Period.objects.filter(rulebook_version__isnull=True).only("pk", "government_id"):
        if period.government_id not in latest:
            latest[period.government_id] = (
                RulebookVersion.objects.filter(government_id=period.government_id)
                .order_by("-number")
                .values_list("pk", flat=True)
                .first()
            )
        if latest[period.government_id] is not None:
            Period.objects.filter(pk=period.pk).update(
                rulebook_version_id=latest[period.government_id]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("monev", "0003_cited_activity"),
        ("rulebook", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="period",
            name="rulebook_version",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rulebook.rulebookversion",
                verbose_name="rulebook version",
            ),
        ),
        migrations.AlterField(
            model_name="reportrow",
            name="indicator",
            field=models.PositiveSmallIntegerField(verbose_name="indicator"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
