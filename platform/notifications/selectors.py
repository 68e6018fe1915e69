"""What a user's notification centre shows: the unread count, the list with filters, what came after an id."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from notifications.events import KINDS, event_kind, render
from notifications.models import Notification

CATCH_UP_LIMIT = 100


def notification_state(*, user) -> dict:
    """Unread count and the newest event id, in one query (the header badge and the client's starting point)."""
    found = Notification.objects.filter(user=user).aggregate(
        unread=Count("pk", filter=Q(read_at=None)), last_id=Max("event_id"))
    return {"unread": found["unread"] or 0, "last_id": found["last_id"] or 0}


def notification_list(*, user, kind: str = "", unread_only: bool = False, group: str = "") -> QuerySet[Notification]:
    """The user's notifications, newest first; `kind` and `group` ("store.5", "operator") narrow it."""
    rows = Notification.objects.filter(user=user).select_related("event")
    if kind:
        rows = rows.filter(event__kind=kind)
    if unread_only:
        rows = rows.filter(read_at=None)
    if group:
        rows = rows.filter(group=group)
    return rows.order_by("-event_id")


def notification_kinds() -> list[tuple[str, str]]:
    return [(code, str(kind.label)) for code, kind in KINDS.items()]


def notifications_after(*, user, after: int, limit: int = CATCH_UP_LIMIT) -> tuple[list[dict], bool]:
    """What the user was told after event `after`, oldest first, as client messages; and whether more remain."""
    rows = list(Notification.objects.filter(user=user, event_id__gt=after).select_related("event")
                .order_by("event_id")[:limit + 1])
    return [notification_message(event=row.event, link=row.link, read=row.read_at is not None)
            for row in rows[:limit]], len(rows) > limit


def notification_message(*, event, link: str, read: bool = False) -> dict:
    """One notification as the client receives it, worded in the active language."""
    if isinstance(event, dict):
        pk, kind, params, created = event["id"], event["kind"], event["params"], event["created"]
    else:
        pk, kind, params, created = event.pk, event.kind, event.params, event.created_at.isoformat()
    title, body = render(kind=kind, params=params)
    return {"type": "notification", "id": pk, "kind": kind, "title": title, "body": body, "link": link,
            "created": created, "sound": event_kind(kind).sound, "read": read, "params": params}
