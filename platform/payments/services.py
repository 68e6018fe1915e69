"""Payment commands: start, mark paid, receive Stripe's word, refund.

Flow. `payment_start` (called by checkout inside the order's transaction) makes one `Payment` per order and
method (a pending or failed one of the same method is reused, other open ones are cancelled) and lets the method
start it: nothing for `offline`, a PaymentIntent (id + client_secret) for `stripe`. Offline money arrives by hand
and the store's owner/manager or the operator calls `payment_mark_paid`; card money is confirmed only by Stripe's
signed webhook → `stripe_webhook_receive` (one `StripeEvent` per event id, processed once) → `payment_succeeded`
/ `payment_failed` / `payment_refunds_sync`. Either way the order moves "Pending payment" → "Paid". Events may
come in any order: nothing un-pays a payment. Money received for an order already paid (or cancelled) is kept on
record, flagged `duplicate` and refunded in full at once; the order is never marked twice. `payment_refund` is
idempotent by the caller's key and moves a fully refunded order to "Refunded". The amount asked is the order's
total less the points the shopper used at checkout (`points.selectors.order_payable`); a received payment earns
the shopper points and each refund takes back and gives back points in proportion (`points.services`). Every
command locks the order, then its payment rows (`lock_rows`), so the webhook, the store and the operator queue
instead of racing.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record, saved_user
from parties.locking import lock_rows
from parties.selectors import stores_led_by
from payments.errors import PaymentError, WebhookSignatureInvalid
from payments.models import Payment, Refund, StripeEvent
from payments.money import from_minor, quantize, to_minor
from payments.registry import OfflinePayment, get_method, in_shop_method, registered_method
from points.selectors import order_payable
from points.services import points_earn, points_refund_record
from settlement.services import ledger_payment_record, ledger_refund_record

Order = get_model("order", "Order")

PENDING_PAYMENT, PAID, REFUNDED, CANCELLED = "Pending payment", "Paid", "Refunded", "Cancelled"
RECEIVED = Payment.RECEIVED
OPEN = (Payment.Status.PENDING, Payment.Status.FAILED)


@dataclass(frozen=True)
class Outcome:
    """What a provider's report did; `text` is stored on the StripeEvent for the operator."""

    payment: Payment | None
    text: str


# --- starting -------------------------------------------------------------------------------------------------------


def payment_start(*, order, method_code: str) -> Payment:
    """The order's payment through `method_code`, started (a PaymentIntent for Stripe); raises PaymentError."""
    method = get_method(method_code)
    with transaction.atomic():
        order = _lock_order(order)
        _check_payable(order)
        open_payments = lock_rows(Payment.objects.filter(order=order, status__in=OPEN))
        amount = order_payable(order=order)  # the total less the points the shopper used
        reuse = next((p for p in open_payments if p.method == method.code and p.amount == amount
                      and p.currency == order.currency), None)
        for other in open_payments:
            if other is not reuse:
                other.status = Payment.Status.CANCELLED
                other.save(update_fields=["status"])
        if reuse is not None:
            payment = reuse
            payment.status, payment.failure_reason = Payment.Status.PENDING, ""
        else:
            payment = Payment.objects.create(order=order, method=method.code, amount=amount, currency=order.currency)
        if amount == 0:  # nothing to collect (e.g. a voucher covered it all)
            _record_paid(payment, order, actor=None)
            return payment
        method.start(payment)
        payment.save()
    return payment


def _check_payable(order) -> None:
    if _received(order).exists():
        raise PaymentError(_("This order is already paid."))
    if order.status == CANCELLED:
        raise PaymentError(_("This order is cancelled."))
    if order.status != PENDING_PAYMENT:
        raise PaymentError(_("This order does not take payments any more (it is “%(status)s”).")
                           % {"status": order.status})


# --- marking paid by hand (offline) ---------------------------------------------------------------------------------


def payment_can_mark_paid(*, payment: Payment, user) -> bool:
    """An offline payment, and the operator or an owner/manager of a store with lines in the order."""
    return payment.method == OfflinePayment.code and _may_act_for(payment, user)


def _may_act_for(payment: Payment, user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return bool(stores_led_by(user=user, store_ids=payment.order.lines.exclude(store=None).values("store")))


def payment_mark_paid(*, payment: Payment, actor) -> Payment:
    """The money of an offline payment arrived: the payment is paid, the order "Paid". Raises PaymentError."""
    with transaction.atomic():
        order = _lock_order(payment.order)
        payment = _lock_payment(payment)
        if payment.method != OfflinePayment.code:
            raise PaymentError(_("Only bank transfer and cash on delivery payments are marked paid by hand; card "
                                 "payments are confirmed by Stripe."))
        if not _may_act_for(payment, actor):
            raise PermissionDenied(_("Only the operator or the store's owner or manager may mark a payment paid."))
        if payment.status in RECEIVED:
            raise PaymentError(_("This payment is already paid."))
        if payment.status != Payment.Status.PENDING:
            raise PaymentError(_("This payment is %(status)s; it can no longer be marked paid.")
                               % {"status": payment.get_status_display().lower()})
        _check_payable(order)
        _record_paid(payment, order, actor=actor)
        audit_record(action="payment.mark_paid", actor=actor, target=payment,
                     changes={"order": order.number, "amount": str(payment.amount), "currency": payment.currency})
    return payment


# --- taken at a shop's till ---------------------------------------------------------------------------------------


def payment_record_in_shop(*, order, method_code: str, actor) -> Payment:
    """The shop took the order's total at its till (cash, or card on its own terminal): one payment, paid now,
    and the order "Paid" like any other paid order (settlement reads it the same way). Raises PaymentError.

    Called by the point of sale inside the sale's transaction, right after the order is written.
    """
    method = in_shop_method(method_code)
    with transaction.atomic():
        order = _lock_order(order)
        _check_payable(order)
        payment = Payment.objects.create(order=order, method=method.code, amount=order_payable(order=order),
                                         currency=order.currency)
        _record_paid(payment, order, actor=actor)
        audit_record(action="payment.in_shop", actor=actor, target=payment,
                     changes={"order": order.number, "method": method.code, "amount": str(payment.amount),
                              "currency": payment.currency})
    return payment


# --- what Stripe tells us -------------------------------------------------------------------------------------------


def payment_succeeded(*, reference: str, amount_minor: int, currency: str) -> Outcome:
    """Stripe took the money for intent `reference`. Idempotent; never marks an order paid twice.

    Already paid → no-op. Amount or currency differing from what we asked → not marked paid, flagged in the
    outcome and the payment's failure reason for the operator. Money for an order that is already paid (another
    payment) or cancelled → the payment is recorded as received, flagged `duplicate` and refunded in full at once.
    """
    found = Payment.objects.filter(reference=reference).first() if reference else None
    if found is None:
        return Outcome(None, "unknown payment")
    with transaction.atomic():
        order = _lock_order(found.order)
        payment = _lock_payment(found)
        if payment.status in RECEIVED:
            return Outcome(payment, "already paid")
        if amount_minor != to_minor(payment.amount, payment.currency) or currency.lower() != payment.currency.lower():
            payment.failure_reason = (f"Stripe reported {amount_minor} {currency.lower()}, we asked "
                                      f"{to_minor(payment.amount, payment.currency)} {payment.currency.lower()}")
            payment.save(update_fields=["failure_reason"])
            return Outcome(payment, "amount mismatch: not marked paid")
        if _received(order).exclude(pk=payment.pk).exists() or order.status != PENDING_PAYMENT:
            why = "order already paid" if order.status != CANCELLED else "order cancelled"
            payment.status, payment.paid_at, payment.duplicate = Payment.Status.PAID, timezone.now(), True
            payment.save(update_fields=["status", "paid_at", "duplicate"])
            ledger_payment_record(payment=payment)
            audit_record(action="payment.duplicate", target=payment, actor_label="Stripe",
                         changes={"order": order.number, "amount": str(payment.amount), "why": why})
            payment_refund(payment=payment, amount=payment.amount, key=f"duplicate-{payment.pk}",
                           reason=f"Received after the {why}: refunded automatically")
            return Outcome(payment, f"{why}: duplicate payment refunded")
        _record_paid(payment, order, actor=None)
        audit_record(action="payment.paid", target=payment, actor_label="Stripe",
                     changes={"order": order.number, "amount": str(payment.amount), "currency": payment.currency})
    return Outcome(payment, "paid")


def payment_failed(*, reference: str, reason: str = "") -> Outcome:
    """Stripe could not take the money. A payment already paid stays paid, whatever order the events come in."""
    found = Payment.objects.filter(reference=reference).first() if reference else None
    if found is None:
        return Outcome(None, "unknown payment")
    with transaction.atomic():
        _lock_order(found.order)
        payment = _lock_payment(found)
        if payment.status in RECEIVED:
            return Outcome(payment, "ignored: already paid")
        if payment.status != Payment.Status.PENDING:
            return Outcome(payment, f"ignored: payment {payment.status}")
        payment.status, payment.failure_reason = Payment.Status.FAILED, reason[:255]
        payment.save(update_fields=["status", "failure_reason"])
    return Outcome(payment, "failed")


def payment_refunds_sync(*, reference: str, refunded_minor: int, currency: str, source: str,
                         refund_reference: str = "") -> Outcome:
    """Stripe says `refunded_minor` of the charge went back in total. Refunds we made are not counted again; a
    refund made elsewhere (Stripe's dashboard) is recorded as one Refund keyed `source` (the event id)."""
    found = Payment.objects.filter(reference=reference).first() if reference else None
    if found is None:
        return Outcome(None, "unknown payment")
    with transaction.atomic():
        order = _lock_order(found.order)
        payment = _lock_payment(found)
        if payment.status not in RECEIVED:
            return Outcome(payment, f"ignored: payment {payment.status}")
        total = min(from_minor(refunded_minor, currency), payment.amount)
        missing = total - payment.amount_refunded
        if missing <= 0:
            return Outcome(payment, "refunds already recorded")
        refund = Refund.objects.create(payment=payment, amount=missing, reason="Refunded in Stripe",
                                       status=Refund.Status.SUCCEEDED, reference=refund_reference,
                                       key=f"stripe-{source}")
        _add_refunded(payment, order, missing)
        ledger_refund_record(refund=refund)
        points_refund_record(refund=refund)
        audit_record(action="payment.refund", target=payment, actor_label="Stripe",
                     changes={"refund": f"stripe-{source}", "amount": str(missing)})
    return Outcome(payment, f"refund of {missing} recorded")


# --- refunds --------------------------------------------------------------------------------------------------------


def payment_refund(*, payment: Payment, amount: Decimal, reason: str, actor=None, key: str) -> Refund:
    """Give `amount` of a received payment back, once per `key` (the same key again returns the same refund)."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    amount = quantize(amount)
    reason, key = (reason or "").strip(), (key or "").strip()
    if not key:
        raise PaymentError(_("A refund needs a key that names it, so asking twice never refunds twice."))
    with transaction.atomic():
        order = _lock_order(payment.order)
        payment = _lock_payment(payment)
        existing = Refund.objects.filter(key=key).first()
        if existing is not None:
            if existing.payment_id != payment.pk or existing.amount != amount:
                raise PaymentError(_("The refund “%(key)s” was already made for another amount or payment.")
                                   % {"key": key})
            return existing
        if payment.status not in RECEIVED:
            raise PaymentError(_("Only a paid payment can be refunded; this one is %(status)s.")
                               % {"status": payment.get_status_display().lower()})
        if amount <= 0:
            raise PaymentError(_("Enter a refund amount above zero."))
        if amount > payment.refundable:
            raise PaymentError(_("At most %(left)s %(currency)s can still be refunded on this payment.")
                               % {"left": payment.refundable, "currency": payment.currency})
        if not reason:
            raise PaymentError(_("Say why the money goes back."))
        refund = Refund(payment=payment, amount=amount, reason=reason[:255], key=key,
                        created_by=saved_user(actor))
        registered_method(payment.method).refund(refund)
        if refund.status == Refund.Status.FAILED:
            raise PaymentError(_("The payment provider could not refund this payment; nothing was recorded."))
        refund.save()
        _add_refunded(payment, order, amount)
        ledger_refund_record(refund=refund)
        points_refund_record(refund=refund)
        audit_record(action="payment.refund", actor=actor, target=payment,
                     changes={"refund": key, "amount": str(amount), "reason": refund.reason})
    return refund


def _add_refunded(payment: Payment, order, amount: Decimal) -> None:
    payment.amount_refunded += amount
    fully = payment.amount_refunded >= payment.amount
    payment.status = Payment.Status.REFUNDED if fully else Payment.Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["amount_refunded", "status"])
    if fully and not payment.duplicate and REFUNDED in order.available_statuses():
        order.set_status(REFUNDED)


# --- the Stripe webhook ---------------------------------------------------------------------------------------------


def stripe_webhook_receive(*, payload: bytes, signature: str) -> StripeEvent:
    """Verify a Stripe webhook, store it once and act on it once.

    A bad signature, a stale timestamp or a body that is not a Stripe event raises WebhookSignatureInvalid
    (answer 400) and stores nothing. The same event again returns the stored row without acting. An event for a
    payment we do not know is stored with outcome "unknown payment" and answered 200, so Stripe stops retrying
    something no retry can fix. An unexpected error propagates: the event is not stored and Stripe retries it.
    """
    import stripe

    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        data = json.loads(payload)
        event_id, event_type, obj = data["id"], data["type"], data["data"]["object"]
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(str(error)) from error
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookSignatureInvalid(f"not a Stripe event: {error}") from error
    with transaction.atomic():
        stored, _created = StripeEvent.objects.get_or_create(event_id=event_id,
                                                             defaults={"type": event_type, "payload": data})
        stored = lock_rows(StripeEvent.objects.filter(pk=stored.pk))[0]
        if stored.processed_at is not None:
            return stored
        stored.outcome = _handle_event(event_id, event_type, obj).text[:255]
        stored.processed_at = timezone.now()
        stored.save(update_fields=["outcome", "processed_at"])
    return stored


def _handle_event(event_id: str, event_type: str, obj: dict) -> Outcome:
    if event_type == "payment_intent.succeeded":
        amount = obj.get("amount_received") or obj.get("amount") or 0
        return payment_succeeded(reference=obj.get("id", ""), amount_minor=int(amount),
                                 currency=obj.get("currency", ""))
    if event_type == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        return payment_failed(reference=obj.get("id", ""), reason=error.get("message") or error.get("code") or "")
    if event_type == "charge.refunded":
        refunds = (obj.get("refunds") or {}).get("data") or [{}]
        return payment_refunds_sync(reference=obj.get("payment_intent") or "",
                                    refunded_minor=int(obj.get("amount_refunded") or 0),
                                    currency=obj.get("currency", ""), source=event_id,
                                    refund_reference=refunds[0].get("id", ""))
    return Outcome(None, "ignored event type")


# --- helpers --------------------------------------------------------------------------------------------------------


def _lock_order(order):
    return lock_rows(Order.objects.filter(pk=order.pk))[0]


def _lock_payment(payment: Payment) -> Payment:
    return lock_rows(Payment.objects.filter(pk=payment.pk))[0]


def _received(order):
    """The payment that counts for the order (money received, not a duplicate), as a queryset."""
    return Payment.objects.filter(order=order, status__in=RECEIVED, duplicate=False)


def _record_paid(payment: Payment, order, *, actor) -> None:
    payment.status, payment.paid_at, payment.failure_reason = Payment.Status.PAID, timezone.now(), ""
    payment.marked_paid_by = saved_user(actor)
    payment.save()
    Payment.objects.filter(order=order, status__in=OPEN).exclude(pk=payment.pk).update(
        status=Payment.Status.CANCELLED)
    order.set_status(PAID)
    ledger_payment_record(payment=payment)
    points_earn(payment=payment)
    if not registered_method(payment.method).in_shop:  # a till sale is handed over at the counter: nothing to tell
        from storefront.events import order_paid_notify

        order_paid_notify(order=order)
