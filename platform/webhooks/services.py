"""Commands on webhook endpoints (create, edit, rotate the secret, delete, send a test) and on deliveries
(record them with the event that causes them, retry one now). Sending is in `webhooks.dispatch`.

`webhook_deliveries_record` runs inside `notifications.services.event_emit`'s transaction: a delivery exists
exactly when its event does, and delivery starts on commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from parties.models import Store, Supplier
from webhooks.models import TEST_KIND, WEBHOOK_KINDS, WebhookDelivery, WebhookEndpoint, webhook_kinds_for
from webhooks.validators import validate_webhook_url


def _new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _clean(*, party, url: str, events: Iterable[str], description: str) -> tuple[str, list[str], str]:
    errors = {}
    try:
        url = validate_webhook_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    chosen = list(dict.fromkeys(events or []))
    offered = webhook_kinds_for(party)
    unknown = [code for code in chosen if code not in offered]
    if unknown:
        errors["events"] = [_("Unknown events: %(codes)s.") % {"codes": ", ".join(unknown)}]
    elif not chosen:
        errors["events"] = [_("Choose at least one event to send.")]
    if errors:
        raise ValidationError(errors)
    return url, [code for code in offered if code in chosen], (description or "").strip()[:120]


def webhook_endpoint_create(*, party: Supplier | Store, url: str, events: Iterable[str], actor,
                            description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new active endpoint for `party`; returns it and its signing secret (shown once)."""
    if not isinstance(party, Supplier | Store):
        raise ValidationError(_("Webhooks are set up for one supplier or one store."))
    url, events, description = _clean(party=party, url=url, events=events, description=description)
    secret = _new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, events=events, description=description, secret=secret, created_by=actor,
            supplier=party if isinstance(party, Supplier) else None, store=party if isinstance(party, Store) else None)
        audit_record(actor=actor, action="webhook.create", target=endpoint, changes={"url": url, "events": events},
                     party=party)
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, url: str, events: Iterable[str], is_active: bool,
                            actor, description: str = "") -> WebhookEndpoint:
    url, events, description = _clean(party=endpoint.party, url=url, events=events, description=description)
    with transaction.atomic():
        before = {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
        endpoint.url, endpoint.events, endpoint.is_active, endpoint.description = url, events, is_active, description
        endpoint.save(update_fields=["url", "events", "is_active", "description"])
        after = {"url": url, "events": events, "is_active": is_active}
        audit_record(actor=actor, action="webhook.update", target=endpoint, party=endpoint.party,
                     changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return endpoint


def webhook_secret_rotate(*, endpoint: WebhookEndpoint, actor) -> str:
    """A new secret at once (deliveries from now on are signed with it); returns it, shown once."""
    secret = _new_secret()
    with transaction.atomic():
        endpoint.secret, endpoint.secret_rotated_at = secret, timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at"])
        audit_record(actor=actor, action="webhook.rotate_secret", target=endpoint, party=endpoint.party)
    return secret


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="webhook.delete", target=endpoint, changes={"url": endpoint.url},
                     party=endpoint.party)
        endpoint.delete()


def _payload(*, kind: str, created, data: dict) -> dict:
    return {"event": kind, "created": created.isoformat(), "data": data}


def webhook_deliveries_record(*, event, kind: str, parties: Iterable[tuple[str, int]],
                              endpoints: list[WebhookEndpoint] | None = None) -> list[WebhookDelivery]:
    """One pending delivery per active endpoint of `parties` (("supplier"|"store", id) pairs) subscribed to
    `kind` (`endpoints`, when the caller already looked them up), written in the caller's transaction; sending
    starts when it commits."""
    if endpoints is None:
        endpoints = subscribed_endpoints(kind=kind, parties=parties)
    if not endpoints:
        return []
    payload = _payload(kind=kind, created=event.created_at, data=event.params)
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event=event, kind=kind, payload=payload) for endpoint in endpoints])
    transaction.on_commit(schedule_webhooks, robust=True)
    return deliveries


def subscribed_endpoints(*, kind: str, parties: Iterable[tuple[str, int]]) -> list[WebhookEndpoint]:
    parties = list(parties)
    supplier_ids = {pk for party_kind, pk in parties if party_kind == "supplier"}
    store_ids = {pk for party_kind, pk in parties if party_kind == "store"}
    if kind not in WEBHOOK_KINDS or not (supplier_ids or store_ids):
        return []
    found = WebhookEndpoint.objects.filter(Q(supplier_id__in=supplier_ids) | Q(store_id__in=store_ids),
                                           is_active=True)
    # the event list is JSON: filter here (endpoints per party are few) so it works on SQLite and PostgreSQL
    return [endpoint for endpoint in found.order_by("pk") if kind in endpoint.events]


def webhook_test_send(*, endpoint: WebhookEndpoint, actor) -> WebhookDelivery:
    """A `webhook.test` delivery to this endpoint (even when paused), sent at once."""
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, kind=TEST_KIND, created_at=now,
            payload=_payload(kind=TEST_KIND, created=now, data={"message": "Test event from the marketplace."}))
        audit_record(actor=actor, action="webhook.test", target=endpoint, party=endpoint.party)
        transaction.on_commit(schedule_webhooks, robust=True)
    return delivery


def webhook_delivery_retry(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Try a failed delivery again now (one more attempt; a failure marks it failed again)."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now(), lease_token="", lease_until=None)
        if not updated:
            raise ValidationError(_("Only a failed delivery can be retried; this one is %(status)s.")
                                  % {"status": delivery.get_status_display().lower()})
        audit_record(actor=actor, action="webhook.retry", target=delivery, party=delivery.endpoint.party)
        transaction.on_commit(schedule_webhooks, robust=True)
    delivery.refresh_from_db()
    return delivery


def schedule_webhooks() -> None:
    """Ask the task backend to send due deliveries now."""
    from webhooks.tasks import deliver_webhooks

    deliver_webhooks.enqueue()
