from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Live events: the outbox written with each change, its dispatcher, the websocket and the notification centre."""

    name = "notifications"
    label = "mp_notifications"
    verbose_name = _("Notifications")
