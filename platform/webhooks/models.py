"""Webhooks out: a party's endpoint (URL, subscribed event kinds, signing secret), one delivery per event and
endpoint (the body we POST, its status and back-off), and every attempt's answer (kept for the deliveries page).

The secret is kept in the clear because we sign with it on every delivery (unlike API keys, of which only a hash
is kept); pages show it once, at creation or rotation, and only its last four characters afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The order and stock events an outside system may subscribe to (codes of notifications.events.KINDS).
WEBHOOK_KINDS: tuple[str, ...] = ("order.placed", "order.paid", "fulfilment.to_ship", "order.shipped",
                                  "order.delivered", "shipment.cancelled", "return.requested", "stock.low",
                                  "stocktake.approved")
# What each kind of party hears: a store its orders, shipments, returns and stock; a supplier what its warehouses
# ship and their stock (it is not addressed by a store's order and return events).
SUPPLIER_WEBHOOK_KINDS: tuple[str, ...] = ("fulfilment.to_ship", "order.shipped", "order.delivered",
                                           "shipment.cancelled", "stock.low", "stocktake.approved")


def webhook_kinds_for(party) -> tuple[str, ...]:
    from parties.models import Supplier

    return SUPPLIER_WEBHOOK_KINDS if isinstance(party, Supplier) else WEBHOOK_KINDS


TEST_KIND = "webhook.test"


class WebhookEndpoint(models.Model):
    """One URL of one supplier or one store, told of the event kinds it subscribes to."""

    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="webhook_endpoints")
    store = models.ForeignKey("mp_parties.Store", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    events = models.JSONField(_("events"), default=list)  # codes from WEBHOOK_KINDS
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=(Q(supplier__isnull=False, store__isnull=True)
                           | Q(supplier__isnull=True, store__isnull=False)),
                name="mp_webhook_endpoint_one_party"),
        ]

    def __str__(self):
        return self.url

    @property
    def party(self):
        return self.supplier if self.supplier_id else self.store

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: what we POST (`{"id": <this id>, **payload}`), retried until it succeeds."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook", "Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("mp_notifications.OutboxEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="webhook_deliveries")
    kind = models.CharField(_("event"), max_length=48)
    payload = models.JSONField(default=dict)  # {"event", "created", "data"}: the body without its "id"
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_response_body = models.TextField(_("response"), blank=True)
    last_error = models.TextField(_("error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                                name="mp_webhook_delivery_due")]

    def __str__(self):
        return f"{self.kind} → {self.endpoint_id} #{self.pk}"

    def body(self) -> dict:
        return {"id": self.pk, **self.payload}


class WebhookAttempt(models.Model):
    """One POST of a delivery and what came back (the first 2 KB of the body), or why it could not be made."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="mp_webhook_attempt_once")]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
