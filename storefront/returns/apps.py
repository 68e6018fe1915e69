from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    """After-sales: shoppers ask to return lines within the store's window; stores decide; refunds follow."""

    name = "storefront.returns"
    label = "mp_returns"
    verbose_name = _("Returns")

    def ready(self):
        from storefront.returns import scopes  # noqa: F401  (registers return requests with the scoping helper)
