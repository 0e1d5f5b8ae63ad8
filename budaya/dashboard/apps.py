from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py).
NAV_LABEL = _("Dashboard")
# The system administrator's entry to the provinces in figures (issue 20 item 5).
NATIONAL_LABEL = _("National view")


def install_rollup_trigger(using: str = "default", **kwargs: Any) -> None:
    """The trigger keeping ``GovernmentMonth`` (``rollup.install_trigger``), (re)created after
    every migrate: on the suite's database, made from the models, and after a migration that
    made SQLite rebuild ``ActivityMonth`` (which drops its triggers)."""
    from django.db import connections

    from budaya.activities.models import ActivityMonth
    from budaya.dashboard import rollup
    from budaya.dashboard.models import GovernmentMonth

    connection = connections[using]
    present = set(connection.introspection.table_names())
    if {ActivityMonth._meta.db_table, GovernmentMonth._meta.db_table} <= present:
        rollup.install_trigger(connection)


class DashboardConfig(AppConfig):
    name = "budaya.dashboard"
    label = "dashboard"
    verbose_name = _("Leadership dashboard")

    def ready(self) -> None:
        post_migrate.connect(
            install_rollup_trigger, sender=self, dispatch_uid="budaya.dashboard.rollup_trigger"
        )
