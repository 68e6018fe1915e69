"""What was asked, paid and given back for an order, and every Stripe event we received.

A `Payment` is one attempt to collect an order's total through one method; an order holds at most one payment
that counts (paid, partially or fully refunded, `duplicate` false): a second successful card payment for an
order already paid is kept (money moved) but flagged `duplicate` and refunded at once. A `Refund` is keyed by
its caller (`key`, e.g. "return-12") so asking twice never gives money back twice. `StripeEvent` makes webhooks
idempotent: one row per Stripe event id, processed once.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    # Money was received for these (some of it may have gone back since).
    RECEIVED = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="payments",
                              verbose_name=_("order"))
    method = models.CharField(_("payment method"), max_length=32)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    amount_refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    reference = models.CharField(_("reference"), max_length=255, blank=True,
                                 help_text=_("The payment provider's id, e.g. a Stripe PaymentIntent."))
    client_secret = models.CharField(max_length=255, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    duplicate = models.BooleanField(_("paid twice"), default=False,
                                    help_text=_("A second payment for an order already paid; refunded at once."))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    marked_paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("marked paid by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="mp_payment_reference"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="mp_payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0, amount_refunded__lte=F("amount")),
                                   name="mp_payment_refunded_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.method} · {self.amount} {self.currency} · {self.get_status_display()}"

    @property
    def refundable(self) -> Decimal:
        """What may still be given back."""
        if self.status not in self.RECEIVED:
            return Decimal("0.00")
        return self.amount - self.amount_refunded

    @property
    def method_label(self) -> str:
        from payments.registry import method_label

        return method_label(self.method)


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds",
                                verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    key = models.CharField(_("idempotency key"), max_length=128, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="mp_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.amount} · {self.get_status_display()}"


class StripeEvent(models.Model):
    """One verified Stripe webhook event; `processed_at` set once it was acted on, `outcome` says how."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=128)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.type}"
