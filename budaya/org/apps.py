from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "budaya.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from budaya import pending
        from budaya.org.setup import pending_setup
        from budaya.org.todo import pending_imports

        # A new government's unfinished setup steps on its administrators' home (issue 23).
        pending.register(pending_setup)
        # An import becomes ready to confirm in a background task's unaudited step: asked anew.
        pending.register(pending_imports, kept=False)
