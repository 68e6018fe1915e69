from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    """Double-entry ledger, commission rules, settlement runs and statements."""

    name = "settlement"
    label = "mp_settlement"
    verbose_name = _("Settlement")

    def ready(self):
        from settlement import scopes  # noqa: F401  (registers ledger accounts with the scoping helper)
