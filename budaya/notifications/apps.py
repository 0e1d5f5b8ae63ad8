from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications and e-mail for every workflow event (issue 20)."""

    name = "budaya.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from budaya.events import settled, workflow_event
        from budaya.notifications.services import on_settled, receive

        workflow_event.connect(receive, dispatch_uid="notifications.receive")
        settled.connect(on_settled, dispatch_uid="notifications.settled")
