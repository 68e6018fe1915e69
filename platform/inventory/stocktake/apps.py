from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StocktakeConfig(AppConfig):
    """Counting the stock of one location: several people count, a variance report, approval posts adjustments."""

    name = "inventory.stocktake"
    label = "mp_stocktake"
    verbose_name = _("Stocktaking")

    def ready(self):
        from inventory.stocktake import scopes  # noqa: F401  (registers counts with the scoping helper)
