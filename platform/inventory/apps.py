from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Stock per (SKU, location), moved only through a ledger of movements; alerts, counts and transfers."""

    name = "inventory"
    label = "mp_inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from inventory import scopes  # noqa: F401  (registers stock rows with the scoping helper)
