"""Payments without a card: the method registry, offline payments marked paid by the store or the operator,
refunds (partial, full, too much, the same key twice), and the pages that do it."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEvent
from parties.models import Store
from parties.scoping import Scope
from payments.errors import PaymentError
from payments.models import Payment, Refund
from payments.registry import available_methods, get_method
from payments.selectors import order_payment, pending_offline_payments
from payments.services import payment_can_mark_paid, payment_mark_paid, payment_refund, payment_start
from tests.payment_helpers import order_in

D = Decimal


def user(email: str):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def offline(demo):
    """An order of Sunrise Online waiting for a bank transfer or cash on delivery."""
    order = order_in("sunrise-online", method="offline")
    return order_payment(order=order)


def paid(payment: Payment) -> Payment:
    return payment_mark_paid(payment=payment, actor=user("storeadmin@demo.test"))


# --- registry -------------------------------------------------------------------------------------------------------


def test_offline_is_always_offered_and_stripe_only_with_its_keys(settings, db):
    settings.STRIPE_ENABLED = False
    assert [m.code for m in available_methods()] == ["offline"]
    with pytest.raises(PaymentError, match="Card \\(Stripe\\) is not available right now"):
        get_method("stripe")
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_ENABLED = "sk_x", "pk_x", True
    assert [m.code for m in available_methods()] == ["offline", "stripe"]
    assert get_method("stripe").code == "stripe"
    with pytest.raises(PaymentError, match="Unknown payment method “bitcoin”"):
        get_method("bitcoin")


# --- offline: start, mark paid --------------------------------------------------------------------------------------


def test_an_offline_order_waits_for_payment_and_the_store_marks_it_paid(offline):
    order = offline.order
    assert (offline.status, offline.amount, offline.currency) == ("pending", order.total_incl_tax, order.currency)
    assert order.status == "Pending payment"
    assert payment_start(order=order, method_code="offline") == offline  # asked again: the same payment
    assert offline in pending_offline_payments(scope=Scope.for_party(Store.objects.get(slug="sunrise-online")))

    paid(offline)

    offline.refresh_from_db()
    order.refresh_from_db()
    assert (offline.status, offline.marked_paid_by.email, order.status) == ("paid", "storeadmin@demo.test", "Paid")
    assert offline.paid_at is not None
    assert AuditEvent.objects.filter(action="payment.mark_paid", target_id=str(offline.pk)).count() == 1
    with pytest.raises(PaymentError, match="This payment is already paid"):
        paid(offline)
    with pytest.raises(PaymentError, match="This order is already paid"):
        payment_start(order=order, method_code="offline")
    assert order.status_changes.filter(new_status="Paid").count() == 1


def test_only_the_operator_or_the_stores_owner_or_manager_may_mark_paid(offline):
    assert payment_can_mark_paid(payment=offline, user=user("storeadmin@demo.test"))  # manager of Sunrise Online
    assert payment_can_mark_paid(payment=offline, user=user("operator@demo.test"))
    for outsider in ("shopstaff@demo.test", "distributor@demo.test", "shopper@demo.test"):
        assert not payment_can_mark_paid(payment=offline, user=user(outsider)), outsider
    with pytest.raises(PermissionDenied):
        payment_mark_paid(payment=offline, actor=user("shopper@demo.test"))
    offline.refresh_from_db()
    assert offline.status == "pending" and offline.order.status == "Pending payment"


def test_a_cancelled_order_takes_no_payment(offline):
    order = offline.order
    order.set_status("Cancelled")
    with pytest.raises(PaymentError, match="This order is cancelled"):
        paid(offline)
    with pytest.raises(PaymentError, match="This order is cancelled"):
        payment_start(order=order, method_code="offline")
    offline.refresh_from_db()
    assert offline.status == "pending"


# --- refunds --------------------------------------------------------------------------------------------------------


def test_a_partial_refund_then_the_rest_refunds_the_order(offline):
    paid(offline)
    operator = user("operator@demo.test")
    first = payment_refund(payment=offline, amount=D("1.00"), reason="Damaged box", actor=operator, key="t-1")
    offline.refresh_from_db()
    assert (first.status, offline.status, offline.amount_refunded) == ("succeeded", "partially_refunded", D("1.00"))
    assert offline.order.status == "Paid"

    rest = offline.amount - D("1.00")
    payment_refund(payment=offline, amount=rest, reason="Returned", actor=operator, key="t-2")
    offline.refresh_from_db()
    assert (offline.status, offline.amount_refunded, offline.refundable) == ("refunded", offline.amount, D("0"))
    assert offline.order.status == "Refunded"
    assert AuditEvent.objects.filter(action="payment.refund", target_id=str(offline.pk)).count() == 2


def test_refunding_more_than_was_paid_or_nothing_or_an_unpaid_payment_is_refused_and_writes_nothing(offline):
    with pytest.raises(PaymentError, match="Only a paid payment can be refunded; this one is waiting for payment"):
        payment_refund(payment=offline, amount=D("1.00"), reason="x", key="t-unpaid")
    paid(offline)
    payment_refund(payment=offline, amount=D("1.00"), reason="Damaged box", key="t-1")
    left = offline.amount - D("1.00")
    for amount, message in [(left + D("0.01"), f"At most {left} CNY can still be refunded"),
                            (D("0"), "Enter a refund amount above zero"), (D("-5"), "above zero")]:
        with pytest.raises(PaymentError, match=message):
            payment_refund(payment=offline, amount=amount, reason="Too much", key=f"t-{amount}")
    with pytest.raises(PaymentError, match="Say why"):
        payment_refund(payment=offline, amount=D("1.00"), reason="  ", key="t-no-reason")
    offline.refresh_from_db()
    assert (offline.amount_refunded, offline.status) == (D("1.00"), "partially_refunded")
    assert list(offline.refunds.values_list("key", flat=True)) == ["t-1"]


def test_the_same_refund_key_twice_refunds_once(offline):
    paid(offline)
    first = payment_refund(payment=offline, amount=D("2.00"), reason="Late delivery", key="return-12")
    again = payment_refund(payment=offline, amount=D("2.00"), reason="Late delivery", key="return-12")
    assert again.pk == first.pk
    offline.refresh_from_db()
    assert offline.amount_refunded == D("2.00") and Refund.objects.filter(payment=offline).count() == 1
    with pytest.raises(PaymentError, match="already made for another amount"):
        payment_refund(payment=offline, amount=D("3.00"), reason="Late delivery", key="return-12")


def test_refunds_take_decimals_never_floats(offline):
    paid(offline)
    with pytest.raises(TypeError):
        payment_refund(payment=offline, amount=1.5, reason="x", key="t-float")


# --- what the shopper sees ------------------------------------------------------------------------------------------


def test_the_shopper_sees_how_to_pay_offline_and_then_that_it_is_paid(offline):
    html = render_to_string("payments/_pay.html", {"payment": offline, "stripe_publishable_key": ""})
    assert "Waiting for payment" in html and offline.order.number in html and "bank transfer" in html
    assert "js.stripe.com" not in html
    paid(offline)
    offline.refresh_from_db()
    assert "Paid on" in render_to_string("payments/_pay.html", {"payment": offline})


# --- pages ----------------------------------------------------------------------------------------------------------


def test_the_store_manager_marks_an_offline_order_paid_on_the_phone(offline, signed_in):
    client = signed_in("storeadmin@demo.test")
    url = reverse("payments:mark-paid", kwargs={"pk": offline.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Mark paid" in page.content.decode()
    response = client.post(url, follow=True)
    assert f"Order {offline.order.number} is marked paid." in response.content.decode()
    offline.refresh_from_db()
    assert offline.status == "paid" and offline.order.status == "Paid"
    again = client.post(url, follow=True)
    assert "This payment is already paid." in again.content.decode()


def test_store_staff_see_the_payment_but_cannot_mark_it_paid(demo, signed_in):
    payment = order_payment(order=order_in("sunrise-nanjing-road", method="offline"))
    client = signed_in("shopstaff@demo.test")  # staff, not owner or manager, of Sunrise Nanjing Road
    url = reverse("payments:mark-paid", kwargs={"pk": payment.pk})
    page = client.get(url).content.decode()
    assert "Only the store's owner or manager may mark a payment paid." in page
    assert client.post(url).status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_the_operator_filters_payments_marks_paid_and_refunds_once_per_form(offline, signed_in):
    client = signed_in("operator@demo.test")
    listing = client.get(reverse("dashboard:mp-payment-list"), {"status": "pending", "method": "offline"})
    assert listing.status_code == 200 and offline.order.number in listing.content.decode()
    assert offline.order.number not in client.get(reverse("dashboard:mp-payment-list"),
                                                  {"status": "refunded"}).content.decode()
    response = client.post(reverse("dashboard:mp-payment-mark-paid", kwargs={"pk": offline.pk}), follow=True)
    assert f"Order {offline.order.number} is marked paid." in response.content.decode()

    detail = client.get(reverse("dashboard:mp-payment-detail", kwargs={"pk": offline.pk})).content.decode()
    assert "Refund" in detail and "Paid" in detail
    refund_url = reverse("dashboard:mp-payment-refund", kwargs={"pk": offline.pk})
    form = {"amount": "3.00", "reason": "Missing tea bags", "key": "a1b2c3"}
    first = client.post(refund_url, form, follow=True)
    assert f"3.00 CNY of order {offline.order.number} is refunded." in first.content.decode()
    client.post(refund_url, form)  # the same form submitted twice
    too_much = client.post(refund_url, {"amount": "99999", "reason": "x", "key": "d4e5"}, follow=True)
    assert "can still be refunded on this payment" in too_much.content.decode()
    offline.refresh_from_db()
    assert offline.amount_refunded == D("3.00") and offline.refunds.count() == 1
    assert offline.refunds.get().created_by.email == "operator@demo.test"
