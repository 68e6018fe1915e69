"""In-shop sales: a physical shop rings up a sale at /store/pos/ (a real paid order drawn from the shop floor,
SALE movements on the stock ledger, a receipt); the shared-stock sibling store sells fewer units at once; every
bad input is refused with the stock untouched; another shop's receipt is a 404."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from oscar.core.loading import get_model

from distributor.models import PriceRule
from inventory.models import MovementKind, StockMovement
from inventory.selectors import store_locations
from inventory.services import stock_receive
from payments.errors import PaymentError
from payments.models import Payment
from payments.registry import available_methods, get_method
from storefront.instore.models import InStoreSale
from storefront.instore.services import instore_sale_create
from supplier.models import WarehouseStock
from tests.distribution_helpers import list_in, record

Order = get_model("order", "Order")
D = Decimal


def user(email):
    return get_user_model().objects.get(email=email)


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def floor(shop):
    return store_locations(store=shop).get(code="floor")


@pytest.fixture
def stocked(tea, dealer, sunrise, online, shop, floor):
    """LST-a (20.00) and LST-b (34.00) listed in both Sunrise stores at the suggested price; the Nanjing Road
    floor holds 6 × LST-a and 3 × LST-b (the supplier's hz warehouse 5 and 2)."""
    list_in(dealer, sunrise, [online, shop], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    stock_receive(location=floor, items=[(record("LST-a").pk, 6), (record("LST-b").pk, 3)], actor=None,
                  reason="Delivered to the shop")
    return tea


def on_floor(floor, sku) -> int:
    return WarehouseStock.objects.get(warehouse=floor, stockrecord=record(sku)).on_hand


def stock_snapshot():
    return sorted(WarehouseStock.objects.values_list("pk", "on_hand", "allocated"))


HUNDRED = D("100.00")


def sell(shop, items, method="cash", tendered=HUNDRED, **kwargs):
    return instore_sale_create(store=shop, items=[(record(sku).pk, units) for sku, units in items],
                               payment_method=method, tendered=tendered, actor=user("shopstaff@demo.test"),
                               **kwargs)


def test_a_cash_sale_is_a_paid_order_drawn_from_the_floor(stocked, shop, floor):
    sale = sell(shop, [("LST-a", 2), ("LST-b", 1)], tendered=D("100.00"))
    order = Order.objects.get(pk=sale.order_id)
    assert order.number.startswith("POS-") and order.status == "Completed"
    assert order.total_incl_tax == order.total_excl_tax == D("74.00") and order.shipping_incl_tax == D("0.00")
    lines = {line.partner_sku: line for line in order.lines.all()}
    assert {sku: line.quantity for sku, line in lines.items()} == {"LST-a": 2, "LST-b": 1}
    a = lines["LST-a"]
    assert a.store == shop and a.listing.store == shop and a.supplier.slug == "green-leaf-tea"
    assert a.wholesale_price == D("10.00") and a.line_price_incl_tax == D("40.00") and a.title == "Listing tea (50 g)"
    payment = Payment.objects.get(order=order)
    assert payment.method == "instore_cash" and payment.status == Payment.Status.PAID and payment.amount == D("74.00")
    assert sale.tendered == D("100.00") and sale.change == D("26.00") and sale.staff == user("shopstaff@demo.test")
    sales = StockMovement.objects.filter(order=order, kind=MovementKind.SALE)
    assert sorted((m.stock.stockrecord.partner_sku, m.on_hand_delta, m.reference) for m in sales) == [
        ("LST-a", -2, order.number), ("LST-b", -1, order.number)]
    assert all(m.stock.warehouse == floor for m in sales)
    assert on_floor(floor, "LST-a") == 4 and on_floor(floor, "LST-b") == 2
    # handed over at the till: nothing promised, nothing left to ship
    assert not StockMovement.objects.filter(order=order).exclude(kind=MovementKind.SALE).exists()
    assert not order.fulfilment_groups.exists()
    assert list(WarehouseStock.objects.filter(warehouse=floor, stockrecord__partner_sku__in=["LST-a", "LST-b"])
                .values_list("allocated", flat=True)) == [0, 0]


def test_a_card_sale_needs_no_cash_and_keeps_the_terminal_reference(stocked, shop):
    sale = sell(shop, [("LST-a", 1)], method="card", tendered=None, terminal_reference="T-4481")
    assert sale.payment.method == "instore_card" and sale.payment.status == Payment.Status.PAID
    assert sale.tendered is None and sale.change == D("0.00") and sale.terminal_reference == "T-4481"


def test_staff_ring_up_a_sale_through_the_pages_and_the_sibling_store_sells_fewer(stocked, shop, online,
                                                                                    signed_in):
    product_url = reverse("storefront:product", kwargs={"store_slug": "sunrise-online", "entry_pk": stocked.pk})
    shopper = signed_in("shopper@demo.test")
    before = shown(shopper.get(product_url))
    assert re.search(r'data-sku="LST-a".*?data-available="11"', before)  # 5 in hz + 6 on the shop floor

    till = signed_in("shopstaff@demo.test")
    pos = reverse("storeadmin:pos")
    assert till.post(pos, {"action": "scan", "code": "lst-a"}).status_code == 302  # the SKU, any case
    record_a = record("LST-a").pk
    till.post(pos, {"action": "plus", "record": record_a})
    till.post(pos, {"action": "plus", "record": record_a})
    till.post(pos, {"action": "minus", "record": record_a})
    page = shown(till.get(pos))
    assert "Listing tea (50 g)" in page and re.search(r"data-qty>2<", page) and "40.00" in page
    response = till.post(pos, {"action": "complete", "method": "cash", "tendered": "50"})
    assert response.status_code == 302
    sale = InStoreSale.objects.get(store=shop)
    assert response["Location"] == reverse("storeadmin:pos-receipt", args=[sale.order.number])
    receipt = shown(till.get(response["Location"]))
    for expected in ("Sunrise Nanjing Road", sale.order.number, "Listing tea (50 g)", "40.00", "50.00", "10.00",
                     "Cash", "Served by Xu Ping"):
        assert expected in receipt, expected
    assert re.search(r"Change</span><span>\S*10\.00<", receipt)
    assert "Scan or search to add items." in shown(till.get(pos))  # the ticket was cleared

    after = shown(shopper.get(product_url))
    assert re.search(r'data-sku="LST-a".*?data-available="9"', after)


def test_search_by_title_shows_matches_to_tap_and_nothing_found_says_so(stocked, shop, signed_in):
    till = signed_in("shopstaff@demo.test")
    pos = reverse("storeadmin:pos")
    response = till.post(pos, {"action": "scan", "code": "listing tea"})
    assert response.status_code == 302 and "q=listing" in response["Location"]
    page = shown(till.get(response["Location"]))
    assert 'data-sku="LST-a"' in page and 'data-sku="LST-b"' in page
    page = shown(till.post(pos, {"action": "scan", "code": "no such thing"}, follow=True))
    assert "Nothing sold in this shop matches “no such thing”." in page


@pytest.mark.parametrize("items, message", [
    ([(10**9, 1)], "item #1000000000 is not sold in Sunrise Nanjing Road"),
    ([("LST-a", 0)], r"enter a quantity of at least 1 for Listing tea \(50 g\)"),
    ([("LST-a", -2)], r"enter a quantity of at least 1 for Listing tea \(50 g\)"),
    ([("LST-a", 7)], r"only 6 of Listing tea \(50 g\) free in the shop"),
    ([("LST-a", 1), ("LST-b", 4)], r"only 3 of Listing tea \(100 g\) free in the shop"),
    ([], "Add at least one item to the sale"),
])
def test_bad_lines_are_refused_and_the_stock_is_untouched(stocked, shop, items, message):
    before = stock_snapshot()
    orders = Order.objects.count()
    resolved = [(sku if isinstance(sku, int) else record(sku).pk, units) for sku, units in items]
    with pytest.raises(ValidationError, match=message):
        instore_sale_create(store=shop, items=resolved, payment_method="cash", tendered=D("1000.00"),
                            actor=user("shopstaff@demo.test"))
    assert stock_snapshot() == before and Order.objects.count() == orders and not InStoreSale.objects.exists()


def test_an_unlisted_sku_cash_short_or_an_online_store_are_refused(stocked, shop, online, dealer, sunrise):
    from distributor.models import Listing

    Listing.objects.filter(store=shop, stockrecord=record("LST-b")).update(is_paused=True)
    before, orders = stock_snapshot(), Order.objects.count()
    with pytest.raises(ValidationError, match=r"Listing tea \(100 g\) \(LST-b\) is not sold in Sunrise Nanjing"):
        sell(shop, [("LST-b", 1)])
    with pytest.raises(ValidationError, match=r"The cash received \(39.99\) is less than the total \(40.00\)"):
        sell(shop, [("LST-a", 2)], tendered=D("39.99"))
    with pytest.raises(ValidationError, match="Enter the cash received"):
        sell(shop, [("LST-a", 2)], tendered=None)
    with pytest.raises(ValidationError, match="only physical shops ring up sales here"):
        sell(online, [("LST-a", 1)])
    with pytest.raises(ValidationError, match="Choose cash or card"):
        sell(shop, [("LST-a", 1)], method="stripe")
    assert stock_snapshot() == before and Order.objects.count() == orders


def test_allocated_units_on_the_floor_are_not_sold_again(stocked, shop, floor):
    from inventory.services import stock_allocate

    stock_allocate(store=shop, stockrecord=record("LST-a"), quantity=5)  # an online order holds 5 of the 6
    with pytest.raises(ValidationError, match=r"only 1 of Listing tea \(50 g\) free in the shop"):
        sell(shop, [("LST-a", 2)])
    assert on_floor(floor, "LST-a") == 6


def test_the_page_refuses_bad_input_with_a_message(stocked, shop, floor, signed_in):
    till = signed_in("shopstaff@demo.test")
    pos = reverse("storeadmin:pos")
    till.post(pos, {"action": "add", "record": record("LST-a").pk})
    page = shown(till.post(pos, {"action": "complete", "method": "cash", "tendered": "5"}))
    assert "The cash received (5.00) is less than the total (20.00)." in page
    page = shown(till.post(pos, {"action": "complete", "method": "cash", "tendered": "lots"}))
    assert "Enter the cash received as an amount" in page
    assert on_floor(floor, "LST-a") == 6 and not InStoreSale.objects.exists()


def test_an_online_store_is_told_only_physical_shops_ring_up_sales(stocked, online, signed_in):
    client = signed_in("storeadmin@demo.test")
    page = shown(client.get(reverse("storeadmin:pos")))
    assert "Sunrise Online is an online shop: only physical shops ring up sales here." in page
    assert "Complete sale" not in page
    client.post(reverse("storeadmin:pos"), {"action": "complete", "method": "card"})
    assert not InStoreSale.objects.exists()


def test_another_stores_staff_cannot_open_a_receipt(stocked, shop, signed_in):
    sale = sell(shop, [("LST-a", 1)])
    url = reverse("storeadmin:pos-receipt", args=[sale.order.number])
    assert signed_in("shopstaff@demo.test").get(url).status_code == 200
    for email in ("storeadmin@demo.test", "maple@demo.test", "multi@demo.test"):
        assert signed_in(email).get(url).status_code in (403, 404), email  # no role here, or not its shop
    assert signed_in("storeadmin@demo.test").get(url).status_code == 404
    online_order = reverse("storeadmin:pos-receipt", args=["DEMO-2001"])  # an order, but no in-shop sale
    assert signed_in("shopstaff@demo.test").get(online_order).status_code == 404


def test_shoppers_never_see_the_till_methods(db):
    assert "instore_cash" not in [m.code for m in available_methods()]
    with pytest.raises(PaymentError):
        get_method("instore_card")


def test_the_today_page_counts_the_days_sales_and_what_runs_low(stocked, shop, floor, signed_in):
    staff = signed_in("shopstaff@demo.test")

    def today():
        page = shown(staff.get(reverse("storeadmin:home")))
        orders = re.search(r"(\d+) orders? today, ([\d.]+) in this store's items", page)
        low = re.search(r"(\d+) items? running low", page)
        return int(orders.group(1)), Decimal(orders.group(2)), int(low.group(1)), page

    orders, sales, low, _page = today()
    WarehouseStock.objects.filter(warehouse=floor, stockrecord=record("LST-a")).update(low_stock_threshold=4)
    sell(shop, [("LST-a", 2)])  # 6 → 4 on the floor: down to the threshold, so an alert
    after_orders, after_sales, after_low, page = today()
    assert (after_orders, after_sales, after_low) == (orders + 1, sales + D("40.00"), low + 1)
    assert "(1 sold in the shop)" in page
    assert reverse("storeadmin:stock-alerts") in page and reverse("storeadmin:fulfilment-list") in page
