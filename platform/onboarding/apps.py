from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Applications from would-be suppliers and distributors, the operator's queue, and plans."""

    name = "onboarding"
    label = "mp_onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from onboarding import scopes  # noqa: F401  (registers applications and plans with the scoping helper)
