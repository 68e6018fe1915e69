from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """Wagtail pages of the marketplace: home, campaigns, help centre."""

    name = "cms"
    label = "mp_cms"
    verbose_name = _("Content")
