from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """What every portal shares: sign-in, landing, party switcher, chrome, websocket entry."""

    name = "portal"
    label = "mp_portal"
    verbose_name = _("Portal")
