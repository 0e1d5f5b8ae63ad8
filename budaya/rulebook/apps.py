from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The menu entry (budaya/navigation.py); its translation lives in this app's catalogue.
NAV_LABEL = _("Rulebook")


class RulebookConfig(AppConfig):
    name = "budaya.rulebook"
    label = "rulebook"
    verbose_name = _("Rulebook")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from budaya.rulebook.signals import version_created
        from budaya.rulebook.words import forget_on_new_version, warm_on_sign_in

        version_created.connect(forget_on_new_version, dispatch_uid="rulebook.words.forget")
        user_logged_in.connect(warm_on_sign_in, dispatch_uid="rulebook.words.warm")
