from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """One shopper across every store: profile, history and merging two accounts of one person."""

    name = "customers"
    label = "mp_customers"
    verbose_name = _("Customers")
