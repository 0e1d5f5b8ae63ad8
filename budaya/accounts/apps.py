from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def restore_append_only_triggers(using: str = "default", **kwargs: Any) -> None:
    """The audit tables' append-only triggers, (re)created after every migrate (issue 17).

    A migration that alters an audit table makes SQLite rebuild it, which drops its triggers:
    the database built by the migrations accepted UPDATE and DELETE. Creating them here, on
    both databases and idempotently, holds whatever a migration did.
    """
    from django.db import connections

    from budaya.accounts import audit

    connection = connections[using]
    present = set(connection.introspection.table_names())
    for table in audit.APPEND_ONLY_TABLES:
        if table in present:  # absent after ``migrate accounts zero``
            audit.install_triggers(connection, table)


class AccountsConfig(AppConfig):
    name = "budaya.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The deploy checks of keys and cache (issue 17): field keys, the audit trail's keys.
        from budaya.accounts import checks, crypto  # noqa: F401

        post_migrate.connect(
            restore_append_only_triggers, sender=self, dispatch_uid="budaya.audit.triggers"
        )
