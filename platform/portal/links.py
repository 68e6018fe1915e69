"""Links: full ones for e-mails, and where a form may send the user back to (only pages of this site)."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def absolute_url(path: str, *, base_url: str = "") -> str:
    """`path` on the public site (`WAGTAILADMIN_BASE_URL`, or `base_url` when the caller knows the request's)."""
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{path}"


def safe_url(request, url: str | None) -> str | None:
    """`url` if it is a page of this site (same host; https when the request is), else None."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def safe_next(request, fallback: str) -> str:
    """Where a form asked to go back to (`next`), if it is a page of this site; `fallback` otherwise."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next")) or fallback
