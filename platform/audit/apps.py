from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who did what to which object, when and from where."""

    name = "audit"
    label = "mp_audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit import receivers  # noqa: F401  (bridges Django's auth signals)
