from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "budaya.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from budaya import pending
        from budaya.org.todo import pending_imports

        pending.register(pending_imports)
