from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "budaya.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The deploy checks of keys and cache (issue 17).
        from budaya.accounts import crypto  # noqa: F401
