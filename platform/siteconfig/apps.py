from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfigConfig(AppConfig):
    """The operator's marketplace settings: editable in the back-office, versioned where money depends on them."""

    name = "siteconfig"
    label = "mp_siteconfig"
    verbose_name = _("Marketplace settings")
