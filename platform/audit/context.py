"""Per-request facts (who, from where) that audit records pick up without being passed around."""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestFacts:
    user: object = None
    ip_address: str | None = None
    user_agent: str = ""
    method: str = ""
    path: str = ""
    recorded: list = field(default_factory=list)
    party: object = None  # the supplier, distributor or store a portal page acts for (set by PortalViewMixin)


current_request: ContextVar[RequestFacts | None] = ContextVar("audit_current_request", default=None)


def client_ip(request) -> str | None:
    """REMOTE_ADDR; a proxy's X-Forwarded-For is trusted only when the deployment says so."""
    from django.conf import settings

    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def set_request_party(party) -> None:
    """Remember which party the current request acts for, so its audit events name it without being told."""
    facts = current_request.get()
    if facts is not None:
        facts.party = party
