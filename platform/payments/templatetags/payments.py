"""Template helpers for the payment include."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def stripe_js_url() -> str:
    """Stripe.js; with STRIPE_API_BASE set (localstripe), its stand-in served by that server."""
    base = getattr(settings, "STRIPE_API_BASE", "") or ""
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"
