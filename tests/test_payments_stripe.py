"""Card payments against a real local Stripe (localstripe): intent → card → webhook → paid → refunds; declines;
and the webhook's guarantees with locally signed events (replays, order of events, tampering, stale, unknown,
paid twice)."""

import json
import time
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from payments.models import Payment, StripeEvent
from payments.selectors import order_payment
from payments.services import payment_mark_paid, payment_refund, payment_start
from tests.payment_helpers import order_in
from tests.stripe_server import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    LocalStripe,
    run_localstripe,
    signature_header,
)

D = Decimal
VISA, DECLINED = "4242424242424242", "4000000000000341"


@pytest.fixture(scope="session")
def stripe_server():
    with run_localstripe() as server:
        yield server


@pytest.fixture(autouse=True)
def stripe_on(settings, stripe_server):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = SECRET_KEY, PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_ENABLED = WEBHOOK_SECRET, True
    settings.STRIPE_API_BASE = stripe_server.base


@pytest.fixture
def card(demo) -> Payment:
    """An order of Sunrise Online to be paid by card: its PaymentIntent exists in localstripe."""
    return order_payment(order=order_in("sunrise-online", method="stripe"))


def webhook(body: bytes, signature: str):
    return Client().post(reverse("payments:stripe-webhook"), data=body, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=signature)


def event(event_type: str, obj: dict, event_id: str = "") -> bytes:
    return json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex[:14]}", "object": "event", "type": event_type,
                       "created": int(time.time()), "data": {"object": obj}}).encode()


def signed(body: bytes):
    return webhook(body, signature_header(body))


def pay_by_card(server: LocalStripe, payment: Payment, number: str = VISA) -> dict:
    """What the shopper's browser does, then Stripe's webhook arriving at our URL."""
    result = server.card_payment(payment.reference, number)
    kind = "payment_intent.succeeded" if result.get("status") == "succeeded" else "payment_intent.payment_failed"
    delivery = server.delivery(kind, payment.reference)
    response = webhook(delivery.body, delivery.signature)
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    return result


def test_an_intent_is_created_for_the_order_in_minor_units(card, stripe_server):
    intent = stripe_server.call("GET", f"/v1/payment_intents/{card.reference}")
    assert intent["amount"] == int(card.order.total_incl_tax * 100) and intent["currency"] == "cny"
    assert intent["metadata"] == {"order_number": card.order.number, "payment_id": str(card.pk)}
    assert card.client_secret == intent["client_secret"] and card.status == "pending"
    assert payment_start(order=card.order, method_code="stripe") == card  # reused, no second intent
    html = render_to_string("payments/_pay.html", {"payment": card, "stripe_publishable_key": PUBLISHABLE_KEY})
    assert f"{stripe_server.base}/js.stripe.com/v3/" in html and "confirmCardPayment" in html
    assert json.dumps(card.client_secret) in html and json.dumps(PUBLISHABLE_KEY) in html


def test_a_card_payment_is_paid_by_the_webhook_then_refunded_in_part_and_in_full(card, stripe_server):
    pay_by_card(stripe_server, card)
    assert (card.status, card.order.status) == ("paid", "Paid") and card.paid_at is not None

    part = payment_refund(payment=card, amount=D("5.00"), reason="Missing item", key="stripe-test-part")
    assert part.reference.startswith("re_") and part.status == "succeeded"
    card.refresh_from_db()
    assert (card.status, card.amount_refunded, card.order.status) == ("partially_refunded", D("5.00"), "Paid")
    rest = card.amount - D("5.00")
    payment_refund(payment=card, amount=rest, reason="Returned", key="stripe-test-rest")
    card.refresh_from_db()
    assert (card.status, card.amount_refunded, card.order.status) == ("refunded", card.amount, "Refunded")
    at_stripe = stripe_server.call("GET", f"/v1/refunds?payment_intent={card.reference}")["data"]
    assert sorted(r["amount"] for r in at_stripe) == sorted([500, int(rest * 100)])

    # Stripe then reports the charge refunded: those refunds are ours, nothing is counted twice.
    charge = {"id": "ch_x", "object": "charge", "payment_intent": card.reference, "currency": "cny",
              "amount": int(card.amount * 100), "amount_refunded": int(card.amount * 100)}
    assert signed(event("charge.refunded", charge)).status_code == 200
    card.refresh_from_db()
    assert card.amount_refunded == card.amount and card.refunds.count() == 2


def test_a_declined_card_leaves_the_order_waiting_and_a_later_success_pays_it(card, stripe_server):
    result = pay_by_card(stripe_server, card, DECLINED)
    assert result["status"] == 402
    assert (card.status, card.order.status) == ("failed", "Pending payment")
    assert "declined" in card.failure_reason
    html = render_to_string("payments/_pay.html", {"payment": card, "stripe_publishable_key": PUBLISHABLE_KEY})
    assert "The last attempt failed" in html and "confirmCardPayment" in html

    # Stripe lets the shopper retry the same intent with another card (localstripe cannot): its success arrives.
    intent = {"id": card.reference, "object": "payment_intent", "amount": int(card.amount * 100),
              "amount_received": int(card.amount * 100), "currency": "cny", "status": "succeeded"}
    assert signed(event("payment_intent.succeeded", intent)).status_code == 200
    card.refresh_from_db()
    assert (card.status, card.order.status, card.failure_reason) == ("paid", "Paid", "")


def test_the_same_event_three_times_is_acted_on_once(card, stripe_server):
    stripe_server.card_payment(card.reference, VISA)
    delivery = stripe_server.delivery("payment_intent.succeeded", card.reference)
    for _attempt in range(3):
        assert webhook(delivery.body, delivery.signature).status_code == 200
    stored = StripeEvent.objects.get(event_id=delivery.event["id"])
    assert stored.outcome == "paid" and stored.processed_at is not None
    card.refresh_from_db()
    assert card.status == "paid" and card.order.status_changes.filter(new_status="Paid").count() == 1
    assert AuditEvent.objects.filter(action="payment.paid", target_id=str(card.pk)).count() == 1


def test_a_failure_reported_after_the_success_never_unpays(card, stripe_server):
    pay_by_card(stripe_server, card)
    late = event("payment_intent.payment_failed", {"id": card.reference, "object": "payment_intent",
                                                    "last_payment_error": {"message": "Your card was declined."}})
    assert signed(late).status_code == 200
    card.refresh_from_db()
    assert (card.status, card.order.status) == ("paid", "Paid")
    assert StripeEvent.objects.get(event_id=json.loads(late)["id"]).outcome == "ignored: already paid"


def test_a_tampered_stale_or_unsigned_webhook_is_400_and_nothing_is_stored(card, stripe_server):
    stripe_server.card_payment(card.reference, VISA)
    delivery = stripe_server.delivery("payment_intent.succeeded", card.reference)
    tampered = delivery.body.replace(b'"amount": ', b'"amount": 1')
    assert tampered != delivery.body
    stale = event("payment_intent.succeeded", delivery.event["data"]["object"])
    for response in [webhook(tampered, delivery.signature),
                     webhook(stale, signature_header(stale, timestamp=int(time.time()) - 3600)),
                     webhook(stale, signature_header(stale, secret="whsec_someone_else")),
                     webhook(stale, ""), webhook(b"not json", signature_header(b"not json"))]:
        assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    card.refresh_from_db()
    assert (card.status, card.order.status) == ("pending", "Pending payment")


def test_an_event_for_a_payment_we_do_not_know_is_stored_and_answered_200(demo):
    body = event("payment_intent.succeeded", {"id": "pi_not_ours", "object": "payment_intent", "amount": 100,
                                              "currency": "cny"})
    assert signed(body).status_code == 200
    assert StripeEvent.objects.get(event_id=json.loads(body)["id"]).outcome == "unknown payment"


def test_an_amount_that_is_not_what_we_asked_is_not_marked_paid(card):
    body = event("payment_intent.succeeded", {"id": card.reference, "object": "payment_intent", "amount": 1,
                                              "amount_received": 1, "currency": "cny"})
    assert signed(body).status_code == 200
    card.refresh_from_db()
    assert (card.status, card.order.status) == ("pending", "Pending payment")
    assert StripeEvent.objects.get(event_id=json.loads(body)["id"]).outcome == "amount mismatch: not marked paid"


def test_a_second_card_payment_for_a_paid_order_is_refunded_and_the_order_marked_once(card, stripe_server):
    order = card.order
    payment_start(order=order, method_code="offline")  # the shopper switches method: the card intent is cancelled
    second = payment_start(order=order, method_code="stripe")  # and back: a new intent
    card.refresh_from_db()
    assert card.status == "cancelled" and second.reference != card.reference
    pay_by_card(stripe_server, second)
    pay_by_card(stripe_server, card)  # the first intent, paid from a stale tab

    order.refresh_from_db()
    counting = order.payments.filter(status="paid", duplicate=False)
    assert list(counting) == [second] and order.status == "Paid"
    assert order.status_changes.filter(new_status="Paid").count() == 1
    assert (card.status, card.duplicate, card.amount_refunded) == ("refunded", True, card.amount)
    at_stripe = stripe_server.call("GET", f"/v1/refunds?payment_intent={card.reference}")["data"]
    assert [r["amount"] for r in at_stripe] == [int(card.amount * 100)]
    assert order_payment(order=order) == second


def test_a_card_payment_after_the_store_marked_the_order_paid_is_refunded(card, stripe_server):
    offline = payment_start(order=card.order, method_code="offline")
    payment_mark_paid(payment=offline, actor=get_user_model().objects.get(email="storeadmin@demo.test"))
    pay_by_card(stripe_server, card)
    assert (card.status, card.duplicate) == ("refunded", True)
    card.order.refresh_from_db()
    assert card.order.status == "Paid" and order_payment(order=card.order) == offline


def test_a_refund_made_in_stripes_dashboard_is_recorded_once(card, stripe_server):
    pay_by_card(stripe_server, card)
    refund = stripe_server.call("POST", "/v1/refunds", {"payment_intent": card.reference, "amount": "300"})
    charge = {"id": "ch_y", "object": "charge", "payment_intent": card.reference, "currency": "cny",
              "amount": int(card.amount * 100), "amount_refunded": 300,
              "refunds": {"object": "list", "data": [{"id": refund["id"], "amount": 300}]}}
    body = event("charge.refunded", charge)
    for _attempt in range(2):
        assert signed(body).status_code == 200
    assert signed(event("charge.refunded", charge)).status_code == 200  # another event, same total
    card.refresh_from_db()
    assert (card.status, card.amount_refunded) == ("partially_refunded", D("3.00"))
    assert list(card.refunds.values_list("amount", "reference")) == [(D("3.00"), refund["id"])]
