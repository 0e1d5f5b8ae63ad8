from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py); its translation lives in this app's catalogue.
NAV_LABEL = _("Activities")


class ActivitiesConfig(AppConfig):
    name = "budaya.activities"
    label = "activities"
    verbose_name = _("Activities and evidence")

    def ready(self) -> None:
        from budaya import pending
        from budaya.activities import choices
        from budaya.activities.todo import pending_activities

        pending.register(pending_activities)
        choices.connect()
