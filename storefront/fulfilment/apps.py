from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """Shipping an order's groups: waves to pick, parcels with carrier and tracking, cancel before shipping."""

    name = "storefront.fulfilment"
    label = "mp_fulfilment"
    verbose_name = _("Fulfilment")

    def ready(self):
        from storefront.fulfilment import scopes  # noqa: F401  (registers groups, parcels, waves for scoping)
