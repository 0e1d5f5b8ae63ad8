from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "budaya.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from budaya import pending
        from budaya.org.search import install_after_migrate
        from budaya.org.setup import pending_setup
        from budaya.org.todo import pending_imports

        # The employee search's indexes (PostgreSQL), also on a database made
        # from the models.
        post_migrate.connect(
            install_after_migrate, sender=self, dispatch_uid="budaya.org.search_indexes"
        )

        # A new government's unfinished setup steps on its administrators' home (issue 23).
        pending.register(pending_setup)
        # An import becomes ready to confirm in a background task's unaudited step: asked anew.
        pending.register(pending_imports, kept=False)
