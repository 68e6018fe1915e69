from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    """Double-entry ledger, statements and payouts (the settlement issue fills it)."""

    name = "settlement"
    label = "mp_settlement"
    verbose_name = _("Settlement")
