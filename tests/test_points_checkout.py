"""Paying with points at checkout: within the balance and the cap the payment asks only for the rest, the
platform bears the points' value in the ledger (sellers are paid as if the shopper paid in full), refunds give
points and money back in proportion until the order nets to zero for everyone, and the pages show it all."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from payments.selectors import order_payment
from payments.services import payment_refund
from points.models import PointsEntry
from points.selectors import cash_part, points_balance
from points.services import points_adjust
from settlement.models import LedgerTransaction, Posting, Purpose
from settlement.selectors import ledger_totals
from storefront.services import CheckoutError
from tests import test_returns
from tests.test_checkout import add, address

D = Decimal
Order = get_model("order", "Order")
listed = test_returns.listed
pytestmark = pytest.mark.django_db


def user(email="shopper@demo.test"):
    return get_user_model().objects.get(email=email)


def give(points, email="shopper@demo.test"):
    points_adjust(user=user(email), points=points, note="test", actor=user("operator@demo.test"))


def place(online, points, **kwargs):
    """2 × LST-a (20.00) + 1 × LST-b (34.00) + Sunrise Online's 10.00 delivery = 84.00, with `points`."""
    owner = kwargs.pop("owner", user())
    basket = test_returns.basket_in(online, ("LST-a", 2), ("LST-b", 1), owner=owner)
    kwargs.setdefault("user", owner)
    return test_returns.place(basket, online, points=points, **kwargs)


def by_holder(order):
    totals = {}
    for posting in Posting.objects.filter(order=order).select_related("account__supplier", "account__distributor"):
        key = (str(posting.account.party or "platform"), posting.account.purpose)
        totals[key] = totals.get(key, D("0")) + posting.amount
    return {key: value for key, value in totals.items() if value}


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_points_pay_part_of_the_order_and_the_platform_bears_them(listed, online, sunrise):
    give(5000)
    order = place(online, 1500)  # cap: 20 % of 84.00 = 16.80 = 1680 points; 1500 points = 15.00
    assert order.total_incl_tax == D("84.00")  # the order keeps the goods' value
    payment = order_payment(order=order)
    assert payment.amount == D("69.00")
    redeem = PointsEntry.objects.get(order=order, kind="redeem")
    assert (redeem.points, redeem.value) == (-1500, D("15.00"))
    assert points_balance(user=user()) == 3500
    assert cash_part(order=order, value=D("40.00")) == D("32.86")  # returning 2 × LST-a: 40.00 × 69 / 84
    test_returns.pay(order)
    supplier = order.lines.first().supplier
    totals = by_holder(order)
    # the worked example's shares, unchanged: cash 69.00 + points 15.00 pay for them
    assert totals == {("platform", Purpose.CASH): D("-69.00"), ("platform", Purpose.POINTS): D("-15.00"),
                      (str(supplier), Purpose.PENDING): D("48.00"), (str(sunrise), Purpose.PENDING): D("32.30"),
                      ("platform", Purpose.COMMISSION): D("3.70")}
    assert ledger_totals() == {"CNY": D("0.00")}
    assert points_balance(user=user()) == 3500 + 69  # earned on the money paid, not on the points


def test_too_many_points_a_negative_number_or_a_guest_are_refused_and_nothing_is_written(listed, online):
    give(2000)
    orders = Order.objects.count()
    with pytest.raises(CheckoutError, match="At most 1680 points can pay for this order"):
        place(online, 1681)
    with pytest.raises(CheckoutError, match="0 or more"):
        place(online, -5)
    with pytest.raises(CheckoutError, match="guests have none"):
        place(online, 100, owner=None, user=None, guest_email="guest@example.test")
    points_adjust(user=user(), points=-1700, note="test", actor=user("operator@demo.test"))
    with pytest.raises(CheckoutError, match="You have 300 points; you cannot use 500"):
        place(online, 500)
    assert Order.objects.count() == orders
    assert points_balance(user=user()) == 300
    assert not PointsEntry.objects.filter(kind="redeem").exists()


def test_refunds_give_points_back_in_proportion_and_a_full_refund_nets_to_zero(listed, online):
    give(5000)
    order = place(online, 1500)
    test_returns.pay(order)  # 69.00 in money, 69 points earned
    payment = order_payment(order=order)
    first = payment_refund(payment=payment, amount=D("20.00"), reason="part", key="pts-part")
    restore = PointsEntry.objects.get(key=f"restore:{first.pk}")
    assert (restore.points, restore.value) == (434, D("4.34"))  # floor(1500 × 20 / 69); 434 × 0.01
    assert PointsEntry.objects.get(key=f"lose:{first.pk}").points == -20
    legs = {(p.account.purpose, p.kind): p.amount for p in
            LedgerTransaction.objects.get(key=f"refund:{first.pk}").postings.select_related("account")
            if p.account.holder == "platform"}
    assert legs[(Purpose.CASH, "refund")] == D("20.00")
    assert legs[(Purpose.POINTS, "reversal")] == D("4.34")
    assert ledger_totals() == {"CNY": D("0.00")}
    payment.refresh_from_db()
    payment_refund(payment=payment, amount=D("49.00"), reason="rest", key="pts-rest")
    assert by_holder(order) == {}  # everyone, the platform's points account included, back at zero
    assert sum(PointsEntry.objects.filter(order=order, kind="restore").values_list("points", flat=True)) == 1500
    assert points_balance(user=user()) == 5000
    assert ledger_totals() == {"CNY": D("0.00")}


def test_the_checkout_page_offers_points_and_the_order_page_shows_them(listed, online, signed_in):
    guest = Client(HTTP_ACCEPT_LANGUAGE="en")
    add(guest, online, "LST-a")
    assert 'name="points"' not in shown(guest.get("/s/checkout/"))
    client = signed_in("shopper@demo.test")
    add(client, online, "LST-a")
    assert 'name="points"' not in shown(client.get("/s/checkout/"))  # no points yet
    give(1000)
    page = shown(client.get("/s/checkout/"))
    total = D(re.search(r'data-total="([\d.]+)"', page).group(1))
    limit = int(total * D("0.20") / D("0.01"))
    assert "You have 1000 points." in page
    assert f'data-points-limit="{limit}"' in page
    refused = shown(client.post("/s/checkout/", address(points=str(limit + 1), expected_total=str(total))))
    assert f"At most {limit} points can pay for this order." in refused
    assert not Order.objects.filter(user=user()).exclude(status="Cancelled").filter(
        points_entries__isnull=False).exists()
    response = client.post("/s/checkout/", address(points="300", expected_total=str(total)), follow=True)
    order = Order.objects.filter(user=user()).latest("pk")
    page = shown(response)
    assert "Paid with 300 points" in page
    assert f'data-to-pay="{total - D("3.00")}"' in page
    assert order_payment(order=order).amount == total - D("3.00")
    test_returns.pay(order)
    earned = int(total - D("3.00"))
    assert f'data-points-earned="{earned}"' in shown(client.get(f"/s/orders/{order.number}/"))


def test_my_points_page_lists_the_history_with_orders_in_fixed_queries(listed, online, signed_in):
    assert Client().get("/s/points/").status_code == 302  # sign in first
    client = signed_in("shopper@demo.test")
    give(2000)
    order = place(online, 500)
    test_returns.pay(order)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/s/points/")
        assert response.status_code == 200
        return len(captured), shown(response)

    queries()  # the first page of a session warms caches
    few, page = queries()
    balance = points_balance(user=user())
    assert balance == 2000 - 500 + int(order_payment(order=order).amount)
    assert f'data-balance="{balance}"' in page
    assert f'href="/s/orders/{order.number}/"' in page
    assert 'data-entry="redeem" data-points="-500"' in page
    for _ in range(10):
        give(1)
    many, page = queries()
    assert page.count("data-entry=") == 13
    assert many == few
