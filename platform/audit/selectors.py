"""Browsing the audit log: by who, for which party, on which object, which action, and when."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent

PARTY_TYPES = ("supplier", "distributor", "store")
READS = "read."  # every read of sensitive data is recorded as read.<what>


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # part of the username / e-mail of who did it
    party_type: str = ""  # supplier, distributor or store
    party: str = ""  # the party's id, or part of its name
    object_type: str = ""  # the object's model, e.g. "membership" or "supplier"
    object_id: str = ""
    target: str = ""  # part of the object's description or of the page
    action: str = ""  # an action or its beginning, e.g. "membership." or "auth.login"
    reads_only: bool = False
    since: date | None = None
    until: date | None = None


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(filters: AuditFilters | None = None, **kwargs) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first (keyword arguments build an AuditFilters)."""
    f = filters or AuditFilters(**kwargs)
    qs = AuditEvent.objects.select_related("target_type")
    if f.actor:
        qs = qs.filter(Q(actor_label__icontains=f.actor) | Q(actor__email__icontains=f.actor))
    if f.party_type in PARTY_TYPES:
        qs = qs.filter(party_type=f.party_type)
    if f.party:
        qs = qs.filter(party_id=int(f.party)) if f.party.isdigit() else qs.filter(party_repr__icontains=f.party)
    if f.object_type:
        qs = qs.filter(target_type__model=f.object_type.lower().replace(" ", ""))
    if f.object_id:
        qs = qs.filter(target_id=f.object_id)
    if f.target:
        qs = qs.filter(Q(target_repr__icontains=f.target) | Q(path__icontains=f.target))
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.reads_only:
        qs = qs.filter(action__startswith=READS)
    if f.since:  # whole local days, as a range on `at` (indexes serve it; a cast to date would not)
        qs = qs.filter(at__gte=day_start(f.since))
    if f.until:
        qs = qs.filter(at__lt=day_start(f.until + timedelta(days=1)))
    return qs.order_by("-at", "-pk")
