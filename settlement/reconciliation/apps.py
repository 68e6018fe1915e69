from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconciliationConfig(AppConfig):
    """Reconciliation: the ledger's payments, refunds and fees against the payment provider's records."""

    name = "settlement.reconciliation"
    label = "mp_reconciliation"
    verbose_name = _("Reconciliation")
