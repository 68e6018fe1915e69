from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InStoreConfig(AppConfig):
    """In-shop sales: a physical shop rings up a sale at its till (a real order drawn from the shop floor)."""

    name = "storefront.instore"
    label = "mp_instore"
    verbose_name = _("In-shop sales")

    def ready(self):
        from storefront.instore import scopes  # noqa: F401  (registers in-shop sales with the scoping helper)
