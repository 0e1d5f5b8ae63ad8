from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "budaya.teams"
    label = "teams"
    verbose_name = _("Teams and decrees")

    def ready(self) -> None:
        from budaya import pending
        from budaya.rulebook.signals import version_created
        from budaya.teams.services import expire_ineligible_on_new_version, follow_rulebook
        from budaya.teams.todo import pending_teams

        version_created.connect(follow_rulebook, dispatch_uid="teams.follow_rulebook")
        version_created.connect(
            expire_ineligible_on_new_version, dispatch_uid="teams.expire_ineligible"
        )
        pending.register(pending_teams)


# The menu entry's label (budaya/navigation.py), kept here so that it sits in this app's
# catalogue.
NAV_LABEL = _("Teams")
