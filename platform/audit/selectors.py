"""Browsing the audit log."""

from datetime import date

from django.db.models import Q, QuerySet

from audit.models import AuditEvent


def audit_event_list(
    *, actor: str = "", action: str = "", target: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("target_type")
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if target:
        qs = qs.filter(Q(target_repr__icontains=target) | Q(path__icontains=target))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-pk")
