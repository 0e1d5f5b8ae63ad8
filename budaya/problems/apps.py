from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "budaya.problems"
    label = "problems"
    verbose_name = _("KBK problem solving")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from budaya import pending
        from budaya.problems import menu, notices
        from budaya.rulebook.signals import version_created

        user_logged_in.connect(menu.warm, dispatch_uid="problems-menu")
        version_created.connect(menu.forget, dispatch_uid="problems-menu-forget")
        pending.register(notices.awaiting)


# The menu entry's label (budaya/navigation.py), kept here so that it sits in this app's
# catalogue.
NAV_LABEL = _("Problem solving")
