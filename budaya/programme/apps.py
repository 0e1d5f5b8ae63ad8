from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "budaya.programme"
    label = "programme"
    verbose_name = _("Culture programme")


# The menu entry's label (budaya/navigation.py), kept here so that it sits in this app's
# catalogue.
NAV_LABEL = _("Programme")
