"""Writing audit events. Callers pass what changed; the request facts (and the party a portal page acts for)
come from context."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.context import current_request
from audit.models import AuditEvent


def saved_user(actor):
    """The user to store as who did something: None for no one, an anonymous visitor or an unsaved user."""
    return actor if getattr(actor, "pk", None) else None


def party_kind(obj) -> str:
    """"supplier", "distributor" or "store" for a party, "" for anything else."""
    from parties.models import Distributor, Store, Supplier  # parties audits its own changes: import late

    for model, kind in ((Supplier, "supplier"), (Distributor, "distributor"), (Store, "store")):
        if isinstance(obj, model):
            return kind
    return ""


def _party_for(explicit, facts, target):
    """Whose business this was: the caller's `party`, else the request's portal party, else the target when it
    is itself a party (an operator suspending a store)."""
    for candidate in (explicit, getattr(facts, "party", None), target):
        if party_kind(candidate):
            return candidate
    return None


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    changes: dict | None = None,
    actor_label: str = "",
    party=None,
) -> AuditEvent:
    facts = current_request.get()
    if actor is None and facts is not None and getattr(facts.user, "is_authenticated", False):
        actor = facts.user
    event = AuditEvent(
        actor=saved_user(actor),
        actor_label=actor_label or (actor.get_username() if saved_user(actor) else ""),
        action=action,
        changes=changes or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:255]
    owner = _party_for(party, facts, target)
    if owner is not None:
        event.party_type, event.party_id, event.party_repr = party_kind(owner), owner.pk, str(owner)[:255]
    if facts is not None:
        event.ip_address = facts.ip_address
        event.user_agent = facts.user_agent[:255]
        event.method = facts.method
        event.path = facts.path[:512]
        facts.recorded.append(action)
    event.save()
    return event


def audit_read(*, actor, target: models.Model, what: str, details: dict | None = None, party=None) -> AuditEvent:
    """Record that `actor` looked at sensitive data (a statement, a customer profile): action `read.<what>`.

    `party` is whose data it was when the caller knows it better than the request (the operator reading a
    supplier's statement); a portal page's own party is filled in by itself.
    """
    return audit_record(action=f"read.{what}", actor=actor, target=target, changes=details, party=party)
