from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The operator's analytics: overview, contribution per store/supplier/distributor, product performance."""

    name = "reports"
    label = "mp_reports"
    verbose_name = _("Reports")
