"""Full links for e-mails: without a request, the configured public base URL names the site."""

from django.conf import settings


def absolute_url(path: str, *, base_url: str = "") -> str:
    """`path` on the public site (`WAGTAILADMIN_BASE_URL`, or `base_url` when the caller knows the request's)."""
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{path}"
