from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py); its translation lives in this app's catalogue.
NAV_LABEL = _("Competitions")


class CompetitionsConfig(AppConfig):
    name = "budaya.competitions"
    label = "competitions"
    verbose_name = _("Competitions and recognition")

    def ready(self) -> None:
        from budaya import pending
        from budaya.competitions.selectors import pending_for

        pending.register(pending_for)
