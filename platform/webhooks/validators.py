"""Which URLs we POST to. In production (DEBUG and WEBHOOKS_ALLOW_PRIVATE off) only https, and never a host that
resolves to an address that is not globally routable (private, loopback, link-local, shared 100.64/10 as cloud
metadata services use, reserved, multicast, unspecified; IPv4 inside IPv6 included): no server-side request
forgery into our own network. Checked when an endpoint is saved, and again by the connection itself
(`checked_connection`), which connects to the very addresses it checked, so a name that resolves somewhere else a
moment later (DNS rebinding) cannot slip through. `WEBHOOKS_ALLOW_PRIVATE` (default: DEBUG) lets development and
tests deliver to http://127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def allow_private() -> bool:
    return getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", settings.DEBUG)


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            address = inner
    return not address.is_global or address.is_multicast


class RefusedAddress(OSError):
    """The host resolves to an address webhooks may not reach (an OSError, so urllib reports it as the reason)."""


def _refusal(host: str, address) -> str:
    return _("%(host)s resolves to %(address)s, a private or reserved address: webhooks go only to public internet "
             "addresses.") % {"host": host, "address": address}


def checked_connection(address: tuple[str, int], timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """`socket.create_connection` for webhook deliveries: resolve the host once, refuse it if any of its addresses
    is forbidden, then connect to those same addresses (never a second lookup)."""
    host, port = address
    try:
        addresses = _addresses(host)
    except ValidationError as error:
        raise RefusedAddress(" ".join(error.messages)) from None
    if not allow_private():
        for candidate in addresses:
            if _forbidden(candidate):
                raise RefusedAddress(_refusal(host, candidate))
    last_error: OSError | None = None
    for candidate in addresses:
        try:
            return socket.create_connection((str(candidate), port), timeout, source_address)
        except OSError as error:
            last_error = error
    raise last_error or RefusedAddress(_("The host %(host)s could not be found.") % {"host": host})


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        raise ValidationError(_("The host %(host)s could not be found.") % {"host": host}) from None
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def validate_webhook_url(url: str) -> str:
    """The URL, stripped, if we may POST to it now; a ValidationError saying why not otherwise."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise ValidationError(_("Enter a valid URL, such as https://example.com/hooks/marketplace.")) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(_("Enter a valid URL, such as https://example.com/hooks/marketplace."))
    if parts.username or parts.password:
        raise ValidationError(_("Leave user names and passwords out of the URL: every delivery is signed."))
    if len(url) > 500:
        raise ValidationError(_("The URL is too long (500 characters at most)."))
    if not (settings.DEBUG or allow_private()) and parts.scheme != "https":
        raise ValidationError(_("Webhook URLs must use https."))
    if not allow_private():
        for address in _addresses(host):
            if _forbidden(address):
                raise ValidationError(_refusal(host, address))
    return url
