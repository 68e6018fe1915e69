from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """How shoppers pay and get refunded: a registry of methods (offline, Stripe) and their records."""

    name = "payments"
    label = "mp_payments"
    verbose_name = _("Payments")

    def ready(self):
        from payments import scopes  # noqa: F401  (registers payments with the scoping helper)
