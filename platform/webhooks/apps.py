from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhooks out: a party's URLs for order and stock events, signed, retried with back-off, listed."""

    name = "webhooks"
    label = "mp_webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from webhooks import scopes  # noqa: F401  (endpoints and deliveries scoped to their party)
