from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programme", "0004_rulebook_stages_and_checklists")]

    operations = [
        migrations.RemoveField(model_name="checklistitem", name="kind"),
        migrations.AlterField(
            model_name="declaration",
            name="led_by",
            field=models.CharField(
                help_text="Name and position, e.g. the head of government or the head of the agency.",
                max_length=255,
                verbose_name="led by",
            ),
        ),
        migrations.AlterField(
            model_name="scorecarditem",
            name="metric",
            field=models.CharField(
                help_text="What is measured.", max_length=255, verbose_name="metric"
            ),
        ),
        migrations.AlterModelOptions(
            name="checklistitem",
            options={
                "ordering": ["government", "checklist", "order"],
                "verbose_name": "checklist item",
                "verbose_name_plural": "checklist items",
            },
        ),
        migrations.AlterModelOptions(
            name="checklistanswer",
            options={
                "ordering": ["programme", "item__checklist", "item__order"],
                "verbose_name": "checklist answer",
                "verbose_name_plural": "checklist answers",
            },
        ),
        migrations.AlterModelOptions(
            name="formulationstep",
            options={
                "ordering": ["programme", "pk"],
                "verbose_name": "programme step",
                "verbose_name_plural": "programme steps",
            },
        ),
        migrations.AddConstraint(
            model_name="checklistitem",
            constraint=models.UniqueConstraint(
                fields=("government", "checklist", "order"), name="checklist_item_order_per_list"
            ),
        ),
        migrations.AddConstraint(
            model_name="formulationstep",
            constraint=models.UniqueConstraint(
                fields=("government", "programme", "stage", "step"), name="programme_step_unique"
            ),
        ),
    ]
