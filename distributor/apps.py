from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributorConfig(AppConfig):
    """The distributor portal: stores, listings, team and earnings."""

    name = "distributor"
    label = "mp_distributor"
    verbose_name = _("Distributor portal")

    def ready(self):
        from distributor import scopes  # noqa: F401  (registers listings and teams with the scoping helper)
