from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WithdrawalsConfig(AppConfig):
    """Withdrawals and payouts: parties ask for their available balance, the operator approves, the money goes out."""

    name = "settlement.withdrawals"
    label = "mp_withdrawals"
    verbose_name = _("Withdrawals")

    def ready(self):
        from settlement.withdrawals import scopes  # noqa: F401  (registers withdrawals with the scoping helper)
