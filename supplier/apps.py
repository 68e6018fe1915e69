from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplierConfig(AppConfig):
    """The supplier portal: goods, warehouses, stock and what the supplier is owed."""

    name = "supplier"
    label = "mp_supplier"
    verbose_name = _("Supplier portal")

    def ready(self):
        from supplier import scopes  # noqa: F401  (registers catalogue models with the scoping helper)
