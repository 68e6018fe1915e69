"""Write events into the outbox with the change that causes them; deliver them; mark what a user has read.

`event_emit` must run inside the transaction of the change: the event commits with it or not at all. Delivery is
scheduled on commit (django-tasks: in-process by default, an RQ worker in production) and done by
`outbox_dispatch`, which claims rows with a lease so that several dispatchers never send one row at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.audiences import Audience
from notifications.events import event_kind
from notifications.models import Notification, OutboxEvent

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a dispatcher that died holding rows gives them up after this
BATCH = 200
MAX_BACKOFF_SECONDS = 300


def event_emit(*, kind: str, audiences: Iterable[Audience], params: dict,
               webhook_parties: Iterable[Audience] | None = None) -> OutboxEvent | None:
    """Record an event for `audiences` in the current transaction: one outbox row, one notification per user.

    A user reached through several audiences is told once (through the first). The supplier and store audiences
    (or `webhook_parties`, for an event addressed to a shopper only) also get it at their webhook endpoints
    (webhooks.services). An event nobody is to hear of, by notification or webhook, writes nothing; one heard of
    only by webhooks is sent to no socket group. Delivery starts when the transaction commits.
    """
    from webhooks.services import subscribed_endpoints, webhook_deliveries_record

    spec = event_kind(kind)
    audiences = list(dict.fromkeys(audiences))
    parties = [(audience.kind, audience.pk) for audience in
               (audiences if webhook_parties is None else webhook_parties) if audience.kind in ("supplier", "store")]
    with transaction.atomic():
        recipients: dict[int, tuple[str, str]] = {}
        routes = []
        for audience in audiences:
            link = spec.link_for(audience.kind, params)
            reached = [pk for pk in audience.user_ids() if pk not in recipients]
            for pk in reached:
                recipients[pk] = (audience.group, link)
            routes.append({"group": audience.group, "link": link})
        endpoints = subscribed_endpoints(kind=kind, parties=parties) if parties else []
        if not recipients and not endpoints:
            return None
        event = OutboxEvent.objects.create(kind=kind, params=params, audiences=routes if recipients else [])
        Notification.objects.bulk_create([Notification(user_id=pk, event=event, group=group, link=link)
                                          for pk, (group, link) in recipients.items()], batch_size=1000)
        if endpoints:
            webhook_deliveries_record(event=event, kind=kind, parties=parties, endpoints=endpoints)
        transaction.on_commit(schedule_dispatch, robust=True)  # a failing start is logged; rows stay due
    return event


def schedule_dispatch(*, after: timedelta | None = None) -> None:
    """Ask the task backend to run the dispatcher now (or after a back-off when it can defer)."""
    from notifications.tasks import deliver_outbox

    task = deliver_outbox
    if after is not None:
        if not task.get_backend().supports_defer:
            return  # the next commit or the periodic run picks the rows up once they are due
        task = task.using(run_after=timezone.now() + after)
    task.enqueue()


@dataclass
class DispatchResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    error: str = ""


def _claim(*, limit: int, now) -> tuple[str, list[OutboxEvent]]:
    """Lease up to `limit` due rows to this run. The lease is a conditional UPDATE: of two dispatchers racing for
    a row, the second finds it leased (PostgreSQL re-checks the condition after the first commits; SQLite runs
    one writer at a time) and skips it."""
    token = uuid4().hex
    free = Q(lease_until=None) | Q(lease_until__lt=now)
    due = list(OutboxEvent.objects.filter(free, sent_at=None, next_attempt_at__lte=now)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    if not due:
        return token, []
    OutboxEvent.objects.filter(free, pk__in=due, sent_at=None).update(lease_token=token, lease_until=now + LEASE)
    return token, list(OutboxEvent.objects.filter(pk__in=due, lease_token=token).order_by("pk"))


def outbox_dispatch(*, limit: int = BATCH) -> DispatchResult:
    """Send due outbox rows to their groups, oldest first; mark them sent, or back off if the layer is down.

    On the first failure the run stops: the failed row and the rest of the batch wait `2^attempts` seconds (at
    most five minutes) and a retry is scheduled. Every failure is logged with its error and kept on the row.
    """
    result = DispatchResult()
    layer = get_channel_layer()
    while True:
        now = timezone.now()
        token, rows = _claim(limit=limit, now=now)
        if not rows:
            return result
        for position, row in enumerate(rows):
            try:
                for route in row.audiences:
                    async_to_sync(layer.group_send)(route["group"], _message(row, route["link"]))
            except Exception as error:  # the layer is down or refused: back off, keep the row, say why
                logger.warning("Outbox delivery failed for event %s (%s): %r", row.pk, row.kind, error,
                               exc_info=True)
                result.error = repr(error)
                result.failed = [later.pk for later in rows[position:]]
                _back_off(rows[position:], token=token, error=repr(error))
                break
            result.sent.append(row.pk)
        OutboxEvent.objects.filter(pk__in=result.sent, lease_token=token).update(
            sent_at=timezone.now(), lease_token="", lease_until=None)
        if result.failed:
            schedule_dispatch(after=_delay(min(row.attempts for row in rows[position:]) + 1))
            return result
        if len(rows) < limit:
            return result


def _delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, MAX_BACKOFF_SECONDS))


def _back_off(rows: list[OutboxEvent], *, token: str, error: str) -> None:
    now = timezone.now()
    for row in rows:
        OutboxEvent.objects.filter(pk=row.pk, lease_token=token).update(
            attempts=F("attempts") + 1, next_attempt_at=now + _delay(row.attempts + 1), last_error=error[:2000],
            lease_token="", lease_until=None)


def _message(row: OutboxEvent, link: str) -> dict:
    return {"type": "portal.event", "event": {"id": row.pk, "kind": row.kind, "params": row.params, "link": link,
                                              "created": row.created_at.isoformat()}}


def notifications_mark_read(*, user, event_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications for `event_ids` read (all unread ones when None); returns how many."""
    unread = Notification.objects.filter(user=user, read_at=None)
    if event_ids is not None:
        unread = unread.filter(event_id__in=list(event_ids))
    return unread.update(read_at=timezone.now())


def notifications_mark_all_read_everywhere() -> int:
    """Every unread notification of every user becomes read (the demo's history); returns how many."""
    return Notification.objects.filter(read_at=None).update(read_at=timezone.now())


def notifications_mark_delivered(*, user, event_ids: Iterable[int]) -> int:
    """The user's browser acknowledged these events: they reached a screen."""
    return Notification.objects.filter(user=user, event_id__in=list(event_ids), delivered_at=None).update(
        delivered_at=timezone.now())
