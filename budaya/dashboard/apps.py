from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py).
NAV_LABEL = _("Dashboard")
# The system administrator's entry to the provinces in figures (issue 20 item 5).
NATIONAL_LABEL = _("National view")


class DashboardConfig(AppConfig):
    name = "budaya.dashboard"
    label = "dashboard"
    verbose_name = _("Leadership dashboard")
