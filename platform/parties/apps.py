from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    """Suppliers, distributors, stores and the memberships that tie users to them."""

    name = "parties"
    label = "mp_parties"
    verbose_name = _("Parties")

    def ready(self):
        from parties import scopes  # noqa: F401  (registers the party models with the scoping helper)
