from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreAdminConfig(AppConfig):
    """The phone-first portal a store's staff run the day from."""

    name = "storeadmin"
    label = "mp_storeadmin"
    verbose_name = _("Store admin portal")
