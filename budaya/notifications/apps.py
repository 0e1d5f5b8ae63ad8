from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications and e-mail for every workflow event (issue 20)."""

    name = "budaya.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from budaya.events import workflow_event
        from budaya.notifications.services import receive

        workflow_event.connect(receive, dispatch_uid="notifications.receive")
