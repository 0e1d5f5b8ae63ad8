"""Issue 18: the programme reads its stages, steps and checklists from the government's rulebook.

Every programme gets the rulebook version of its government that is current now (the one its
pages read today; none where the government has loaded none). Step records get the code of the
stage of that version whose steps they are; records that fit no stage of it keep an empty stage
and are shown as recorded earlier. Checklist items get the code of the rulebook's checklist whose
items they are (by their texts); items that are on none of its checklists keep their old kind as
the code and no longer show. Nothing is deleted: answers and evidence stay. Historical models.
"""

from __future__ import annotations

import re

import django.db.models.deletion
from django.db import migrations, models


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().lower())
    return re.sub(r"(;\s*(serta|dan))?[;.]?$", "", text).strip()


def forwards(apps, schema_editor):
    Programme = apps.get_model("programme", "Programme")
    StepRecord = apps.get_model("programme", "FormulationStep")
    Item = apps.get_model("programme", "ChecklistItem")
    Version = apps.get_model("rulebook", "RulebookVersion")
    latest = {}
    for version in Version.objects.order_by("government_id", "number"):
        latest[version.government_id] = version
    for programme in Programme.objects.all():
        version = latest.get(programme.government_id)
        if version is None:
            continue
        Programme.objects.filter(pk=programme.pk).update(rulebook_version=version.pk)
        records = StepRecord.objects.filter(programme_id=programme.pk)
        codes = set(records.values_list("step", flat=True))
        for stage in version.content.get("programme", {}).get("stages", []):
            steps = {step["code"] for step in stage.get("steps", [])}
            if codes and codes <= steps:
                records.update(stage=stage["code"])
                break
    for government_id in set(Item.objects.values_list("government_id", flat=True)):
        version = latest.get(government_id)
        lists = version.content.get("programme", {}).get("checklists", []) if version else []
        for kind in ("criterion", "condition"):
            items = Item.objects.filter(government_id=government_id, kind=kind)
            texts = {_norm(text) for text in items.values_list("text", flat=True)}
            code, score = kind, 0
            for checklist in lists:
                matched = len(texts & {_norm(item["text"]) for item in checklist["items"]})
                if matched > score:
                    code, score = checklist["code"], matched
            items.update(checklist=code)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0003_declaration_unique_per_government"),
        ("rulebook", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="rulebook_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rulebook.rulebookversion",
                verbose_name="rulebook version",
            ),
        ),
        migrations.RemoveConstraint(model_name="formulationstep", name="formulation_step_unique"),
        migrations.AddField(
            model_name="formulationstep",
            name="stage",
            field=models.CharField(default="", max_length=60, verbose_name="stage"),
        ),
        migrations.AlterField(
            model_name="formulationstep",
            name="step",
            field=models.CharField(blank=True, max_length=60, verbose_name="step"),
        ),
        migrations.RemoveConstraint(model_name="checklistitem", name="checklist_item_order_unique"),
        migrations.AddField(
            model_name="checklistitem",
            name="checklist",
            field=models.CharField(default="", max_length=60, verbose_name="checklist"),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
