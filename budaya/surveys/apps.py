from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "budaya.surveys"
    label = "surveys"
    verbose_name = _("Surveys and commitment")

    def ready(self) -> None:
        from budaya import pending
        from budaya.surveys import selectors

        pending.register(selectors.pending_surveys)


# The menu entries' labels (budaya/navigation.py), kept here so that they sit in this app's
# catalogue.
NAV_LABEL = _("Surveys")
ME_LABEL = _("My page")
