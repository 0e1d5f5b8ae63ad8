from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py).
NAV_LABEL = _("Dashboard")


class DashboardConfig(AppConfig):
    name = "budaya.dashboard"
    label = "dashboard"
    verbose_name = _("Leadership dashboard")
