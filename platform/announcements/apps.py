from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    """Announcements the operator writes once, shown in the portals of their audience until read or expired."""

    name = "announcements"
    label = "mp_announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from announcements import signals

        signals.connect()
