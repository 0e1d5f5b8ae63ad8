from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py); its translation lives in this app's catalogue.
NAV_LABEL = _("Monev")


class MonevConfig(AppConfig):
    name = "budaya.monev"
    label = "monev"
    verbose_name = _("Monitoring and evaluation")

    def ready(self) -> None:
        from budaya import pending, unit_pages
        from budaya.monev.pending import monev_pending
        from budaya.monev.unit_page import open_follow_ups

        pending.register(monev_pending)
        unit_pages.register(open_follow_ups)
