from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API under /api/v1/: tokens scoped to one supplier or store, products, stock, orders, statements."""

    name = "api"
    label = "mp_api"
    verbose_name = _("API")

    def ready(self):
        from api import schema, scopes  # noqa: F401  (the bearer scheme for drf-spectacular; token scoping)
