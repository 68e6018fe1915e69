from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """Platform points: earned on paid orders, lost on refunds, redeemed at checkout at the platform's cost."""

    name = "points"
    label = "mp_points"
    verbose_name = _("Points")
