"""Indexes for answering a survey (issue 22, Deliver 8): the employee's invitation to a survey,
and the tally of a group."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_national_index")]

    operations = [
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["employee", "survey"], name="survey_invitation_mine"),
        ),
        migrations.AddIndex(
            model_name="tally",
            index=models.Index(fields=["survey", "cell", "relation"], name="survey_tally_group"),
        ),
    ]
