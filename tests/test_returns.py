"""After-sales: a shopper asks to return lines of a paid, delivered order within the store's window; the store
approves (refund through the payment registry) or rejects with a note; the supplier sees it; nobody else does."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from oscar.core.loading import get_class, get_model
from PIL import Image

from distributor.models import PriceRule
from parties.models import Membership, Role, Store
from storefront.addresses import shipping_address_new
from storefront.models import FulfilmentGroup
from storefront.returns import services
from storefront.returns.models import ReturnRequest
from storefront.services import order_place
from tests.conftest import DEMO_PASSWORD
from tests.distribution_helpers import list_in, record

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Selector = get_class("partner.strategy", "Selector")
D = Decimal


# --- a paid, delivered order --------------------------------------------------------------------------------------


def user(email):
    return get_user_model().objects.get(email=email)


def basket_in(store, *items, owner):
    basket = Basket.objects.create(owner=owner)
    basket.strategy = Selector().strategy(store=store)
    for sku, quantity in items:
        basket.add_product(record(sku).product, quantity=quantity)
    return basket


def place(basket, store, **kwargs):
    return order_place(basket=basket, store=store, shipping_address=shipping_address_new(), **kwargs)


def pay(order):
    """Pay offline: the order's payment (order_place starts one), marked paid by the operator."""
    from payments.selectors import order_payment
    from payments.services import payment_mark_paid, payment_start

    payment = order_payment(order=order) or payment_start(order=order, method_code="offline")
    return payment_mark_paid(payment=payment, actor=user("operator@demo.test"))


def deliver(order, *, days_ago=2):
    delivered = timezone.now() - timedelta(days=days_ago)
    FulfilmentGroup.objects.filter(order=order).update(status=FulfilmentGroup.Status.DELIVERED,
                                                      shipped_at=delivered - timedelta(days=1), delivered_at=delivered)


@pytest.fixture
def listed(tea, dealer, sunrise, online):
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)  # 20.00 / 34.00
    return tea


@pytest.fixture
def placed(listed, online):
    """An order of shopper@demo.test in Sunrise Online: 2 × LST-a (20.00) and 1 × LST-b (34.00), not paid."""
    return place(basket_in(online, ("LST-a", 2), ("LST-b", 1), owner=user("shopper@demo.test")), online,
                 user=user("shopper@demo.test"))


@pytest.fixture
def order(placed):
    """The same order paid (offline, marked paid by the operator) and delivered two days ago."""
    pay(placed)
    deliver(placed)
    return Order.objects.get(pk=placed.pk)


def line(order, sku):
    return order.lines.get(partner_sku=sku)


def ask(order, lines, *, kind=ReturnRequest.Kind.RETURN, reason=ReturnRequest.Reason.DAMAGED, note="", photos=(),
        by="shopper@demo.test"):
    return services.return_request_create(
        order=order, lines={line(order, sku).pk: units for sku, units in lines.items()}, kind=kind, reason=reason,
        note=note, photos=photos, user=user(by))


def photo(name="box.jpg", fmt="JPEG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def client_for(email) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/login/", {"username": email, "password": DEMO_PASSWORD}).status_code == 302
    return client


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- asking -------------------------------------------------------------------------------------------------------


def test_a_request_within_the_window_is_recorded_and_the_store_is_told(order, django_capture_on_commit_callbacks,
                                                                       media):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(order, {"LST-a": 1}, note="The tin is dented.", photos=[photo()])
    assert request.status == ReturnRequest.Status.REQUESTED and request.created_by == user("shopper@demo.test")
    assert [(item.line.partner_sku, item.quantity) for item in request.lines.all()] == [("LST-a", 1)]
    assert request.photos.count() == 1 and request.photos.get().image.name.startswith("returns/")
    notice = [m for m in mail.outbox if "storeadmin@demo.test" in m.to]
    assert notice and order.number in notice[0].subject
    assert reverse("storeadmin:return-detail", args=[request.pk]) in notice[0].body


def test_the_shopper_asks_through_the_page_and_sees_the_status(order, media):
    client = client_for("shopper@demo.test")
    form_url = reverse("storefront:returns:create", args=[order.number])
    page = shown(client.get(form_url))
    assert "Listing tea (50 g)" in page and "Return by" in page
    a, b = line(order, "LST-a"), line(order, "LST-b")
    response = client.post(form_url, {"lines": [a.pk, b.pk], f"qty_{a.pk}": 2, f"qty_{b.pk}": 1,
                                      "kind": "refund", "reason": "not_as_described", "note": "Not green at all",
                                      "photos": [photo("one.png", "PNG"), photo("two.jpg")]})
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:returns:list", args=[order.number])
    request = ReturnRequest.objects.get(order=order)
    assert {(item.line.partner_sku, item.quantity) for item in request.lines.all()} == {("LST-a", 2), ("LST-b", 1)}
    assert request.kind == "refund" and request.photos.count() == 2
    status = shown(client.get(response["Location"]))
    assert "Requested" in status and "Not green at all" in status and "Waiting for the store" in status


def test_outside_the_window_is_refused_with_the_closing_date(order, online):
    deliver(order, days_ago=8)  # the operator's default window is 7 days
    ends = FulfilmentGroup.objects.filter(order=order).first().delivered_at + timedelta(days=7)
    assert services.return_window_ends(line=line(order, "LST-a")) == ends
    closed = formats.date_format(timezone.localtime(ends), "DATE_FORMAT")
    with pytest.raises(ValidationError, match=re.escape(f"The return window for Listing tea (50 g) closed on "
                                                        f"{closed}.")):
        ask(order, {"LST-a": 1})
    assert not ReturnRequest.objects.filter(order=order).exists()
    Store.objects.filter(pk=online.pk).update(return_window_days=30)  # the store gives its shoppers longer
    assert ask(order, {"LST-a": 1}).status == ReturnRequest.Status.REQUESTED


def test_more_than_bought_or_already_requested_is_refused(order):
    with pytest.raises(ValidationError, match=r"at most 2 of Listing tea \(50 g\)"):
        ask(order, {"LST-a": 3})
    first = ask(order, {"LST-a": 2})
    with pytest.raises(ValidationError, match=r"All 2 of Listing tea \(50 g\) are already in a return request"):
        ask(order, {"LST-a": 1})
    services.return_request_decide(request=first, approve=False, note="Opened and used.",
                                   actor=user("storeadmin@demo.test"))
    assert ask(order, {"LST-a": 1}).status == ReturnRequest.Status.REQUESTED  # a rejected request frees its units


def test_nothing_chosen_zero_units_or_foreign_lines_are_refused(order, placed):
    with pytest.raises(ValidationError, match="Choose at least one item"):
        services.return_request_create(order=order, lines={}, kind="return", reason="none", user=order.user)
    with pytest.raises(ValidationError, match=r"at least 1 as the quantity of Listing tea \(50 g\)"):
        ask(order, {"LST-a": 0})
    with pytest.raises(ValidationError, match="not part of order"):
        services.return_request_create(order=order, lines={10**9: 1}, kind="return", reason="none",
                                       user=order.user)
    assert not ReturnRequest.objects.filter(order=order).exists()


def test_a_line_not_delivered_yet_is_refused(placed):
    pay(placed)
    with pytest.raises(ValidationError, match=r"Listing tea \(50 g\) has not been delivered yet"):
        ask(placed, {"LST-a": 1})
    assert services.return_window_ends(line=line(placed, "LST-a")) is None


def test_an_unpaid_order_is_refused(placed):
    deliver(placed)
    with pytest.raises(ValidationError, match=f"Order {placed.number} is not paid"):
        ask(placed, {"LST-a": 1})


def test_photos_must_be_at_most_five_images_of_5_mb(order, media):
    with pytest.raises(ValidationError, match="at most 5 photos"):
        ask(order, {"LST-a": 1}, photos=[photo(f"{n}.jpg") for n in range(6)])
    with pytest.raises(ValidationError, match="“notes.txt” is not a photo"):
        ask(order, {"LST-a": 1}, photos=[SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")])
    big = SimpleUploadedFile("huge.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError, match="“huge.jpg” is 5.0"):
        ask(order, {"LST-a": 1}, photos=[big])
    assert not ReturnRequest.objects.filter(order=order).exists()


# --- deciding -----------------------------------------------------------------------------------------------------


def test_approving_a_refund_only_request_refunds_exactly_the_lines_through_the_payment(
        order, django_capture_on_commit_callbacks):
    from payments.selectors import order_payment

    request = ask(order, {"LST-a": 2}, kind=ReturnRequest.Kind.REFUND)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.return_request_decide(request=request, approve=True, note="",
                                                 actor=user("storeadmin@demo.test"))
    assert decided.status == ReturnRequest.Status.REFUNDED and decided.refund_amount == D("40.00")
    assert decided.decided_by == user("storeadmin@demo.test") and decided.decided_at is not None
    payment = order_payment(order=order)
    assert payment.amount_refunded == D("40.00") and payment.status == "partially_refunded"
    assert payment.refunds.get().key == f"return-{request.pk}"
    told = [m for m in mail.outbox if order.email in m.to and "accepted" in m.subject]
    assert told and "40.00" in told[0].body
    with pytest.raises(ValidationError, match="already decided: Refunded"):
        services.return_request_decide(request=request, approve=True, note="", actor=user("storeadmin@demo.test"))
    assert order_payment(order=order).amount_refunded == D("40.00")


def test_units_refunded_one_by_one_add_up_to_the_line_price(order):
    from payments.selectors import order_payment

    a = line(order, "LST-a")
    type(a).objects.filter(pk=a.pk).update(line_price_incl_tax=D("35.00"))  # a discount: 17.50 a unit
    for _ in range(2):
        request = ask(order, {"LST-a": 1}, kind=ReturnRequest.Kind.REFUND)
        services.return_request_decide(request=request, approve=True, actor=user("storeadmin@demo.test"))
        assert ReturnRequest.objects.get(pk=request.pk).refund_amount == D("17.50")
    assert order_payment(order=order).amount_refunded == D("35.00")


def test_rejecting_needs_a_note_that_the_shopper_receives(order, django_capture_on_commit_callbacks):
    request = ask(order, {"LST-b": 1})
    with pytest.raises(ValidationError, match="Give a reason for the rejection"):
        services.return_request_decide(request=request, approve=False, note="  ", actor=user("storeadmin@demo.test"))
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        services.return_request_decide(request=request, approve=False, note="The seal is broken.",
                                       actor=user("storeadmin@demo.test"))
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REJECTED
    told = [m for m in mail.outbox if order.email in m.to]
    assert told and "not accepted" in told[-1].subject and "The seal is broken." in told[-1].body


def test_a_failed_refund_leaves_the_request_undecided_and_says_why(order, monkeypatch):
    from payments.errors import PaymentError

    def refuse(**kwargs):
        raise PaymentError("The payment provider is unreachable; try again later.")

    monkeypatch.setattr(services, "payment_refund", refuse)
    request = ask(order, {"LST-a": 1}, kind=ReturnRequest.Kind.REFUND)
    client = client_for("storeadmin@demo.test")
    page = shown(client.post(reverse("storeadmin:return-detail", args=[request.pk]),
                             {"decision": "approve", "note": ""}))
    assert "The payment provider is unreachable; try again later." in page
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED and request.decided_by is None


def test_only_owners_and_managers_of_the_store_or_the_operator_decide(order, online):
    clerk = get_user_model().objects.create_user(username="clerk", email="clerk@demo.test", password="x")
    Membership.objects.create(user=clerk, store=online, role=Role.STAFF)
    request = ask(order, {"LST-a": 1})
    for actor in (clerk, user("shopstaff@demo.test"), user("shopper@demo.test")):
        with pytest.raises(ValidationError, match="Only an owner or manager of the store"):
            services.return_request_decide(request=request, approve=False, note="no", actor=actor)
    services.return_request_decide(request=request, approve=False, note="no", actor=user("operator@demo.test"))
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REJECTED


# --- who sees what ------------------------------------------------------------------------------------------------


def test_the_store_admin_lists_filters_and_decides_on_its_page(order):
    request = ask(order, {"LST-a": 1})
    client = client_for("storeadmin@demo.test")
    listing = shown(client.get(reverse("storeadmin:return-list")))
    assert order.number in listing and "Listing tea (50 g) × 1" in listing
    assert order.number not in shown(client.get(reverse("storeadmin:return-list") + "?status=refunded"))
    url = reverse("storeadmin:return-detail", args=[request.pk])
    page = shown(client.get(url))
    # a return: approving it waits for the goods; their arrival refunds (tests/test_returns_received.py)
    assert re.search(r"Approve \(refund \S*20\.00 when the goods arrive\)<", page) and "Listing tea (50 g)" in page
    assert "Give a reason for the rejection" in shown(client.post(url, {"decision": "reject", "note": ""}))
    response = client.post(url, {"decision": "approve", "note": "Sorry about that."})
    assert response.status_code == 302
    page = shown(client.get(url))
    assert "Approved" in page and "Goods arrived?" in page and "Record arrival and refund" in page


def test_another_stores_admin_gets_404(order):
    request = ask(order, {"LST-a": 1})
    url = reverse("storeadmin:return-detail", args=[request.pk])
    other = client_for("shopstaff@demo.test")  # staff of Sunrise Nanjing Road
    assert other.get(url).status_code == 404
    assert other.post(url, {"decision": "approve", "note": ""}).status_code == 404
    assert order.number not in shown(other.get(reverse("storeadmin:return-list")))
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REQUESTED


def test_the_supplier_sees_requests_with_its_lines_and_others_do_not(order):
    ask(order, {"LST-a": 1})
    page = shown(client_for("supplier@demo.test").get(reverse("supplier:return-list")))
    assert order.number in page and "LST-a" in page and "Requested" in page
    assert order.number not in shown(client_for("grain@demo.test").get(reverse("supplier:return-list")))


def test_another_shopper_or_a_stranger_cannot_open_the_order_s_return_pages(order):
    get_user_model().objects.create_user(username="other", email="other@demo.test", password=DEMO_PASSWORD)
    for client in (client_for("other@demo.test"), Client()):
        for name in ("storefront:returns:create", "storefront:returns:list"):
            assert client.get(reverse(name, args=[order.number])).status_code == 404
        response = client.post(reverse("storefront:returns:create", args=[order.number]),
                               {"lines": [line(order, "LST-a").pk], "kind": "return", "reason": "none"})
        assert response.status_code == 404
    assert not ReturnRequest.objects.filter(order=order).exists()


def test_a_guest_opens_the_pages_with_the_e_mailed_link(listed, online):
    from django.contrib.auth.models import AnonymousUser

    from storefront.selectors import order_access_token

    basket = Basket.objects.create()
    basket.strategy = Selector().strategy(store=online)
    basket.add_product(record("LST-a").product, 1)
    guest_order = Order.objects.get(pk=place(basket, online, user=AnonymousUser(),
                                             guest_email="guest@example.test").pk)
    pay(guest_order)
    deliver(guest_order)
    client = Client()
    url = reverse("storefront:returns:create", args=[guest_order.number])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?t={order_access_token(order=guest_order)}").status_code == 200
    a = line(guest_order, "LST-a")
    assert client.post(url, {"lines": [a.pk], f"qty_{a.pk}": 1, "kind": "return", "reason": "none"}).status_code == 302
    request = ReturnRequest.objects.get(order=guest_order)
    assert request.created_by is None and request.email == "guest@example.test"
