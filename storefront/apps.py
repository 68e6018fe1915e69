from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The shopper-facing storefront: oscar's catalogue, basket and checkout, re-skinned phone-first."""

    name = "storefront"
    label = "mp_storefront"
    verbose_name = _("Storefront")
