"""Placing an order in a store: prices from the store's listing, stock allocated without overselling (also with
50 concurrent shoppers on PostgreSQL), the order split into one fulfilment group per shipping warehouse."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_class, get_model

from distributor.models import Listing, PriceRule
from storefront.addresses import shipping_address_new
from storefront.allocation import SoldOut
from storefront.models import FulfilmentGroup, ShippingRule
from storefront.services import CheckoutError, PriceChanged, order_place
from supplier import services as catalogue
from supplier.models import WarehouseStock
from tests.concurrency import run_together
from tests.distribution_helpers import list_in, record, tea_input

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

D = Decimal


def place(**kwargs):
    """order_place with a delivery address, paid offline (what every test here needs)."""
    return order_place(shipping_address=shipping_address_new(), **kwargs)


def shopper():
    return get_user_model().objects.get(email="shopper@demo.test")


def basket_in(store, *items, owner=None):
    basket = Basket.objects.create(owner=owner if owner is not None else shopper())
    basket.strategy = Selector().strategy(store=store)
    for sku, quantity in items:
        basket.add_product(record(sku).product, quantity=quantity)
    return basket


def allocation(sku: str) -> tuple[int, dict[str, int]]:
    stock = record(sku)
    return stock.num_allocated or 0, dict(WarehouseStock.objects.filter(stockrecord=stock).values_list(
        "warehouse__code", "allocated"))


@pytest.fixture
def listed(tea, dealer, sunrise, online, shop):
    ShippingRule.objects.filter(store__in=[online, shop]).delete()  # free delivery: the totals are the items'
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.80"))
    return tea


def test_an_order_is_priced_by_the_store_allocated_and_split_per_warehouse(listed, online):
    owner = get_user_model().objects.get(email="supplier@demo.test")
    catalogue.stock_set(actor=owner, entry=listed, sku="LST-a", warehouse_code="sh", on_hand=3)  # hz 5, sh 3
    order = place(basket=basket_in(online, ("LST-a", 7), ("LST-b", 1)), store=online, user=shopper())
    lines = {line.partner_sku: line for line in order.lines.all()}
    assert (lines["LST-a"].unit_price_incl_tax, lines["LST-b"].unit_price_incl_tax) == (D("20.00"), D("34.00"))
    assert order.total_incl_tax == D("174.00")
    assert {line.store.slug for line in lines.values()} == {"sunrise-online"}
    assert allocation("LST-a") == (7, {"hz": 5, "sh": 2})  # fullest warehouse first, the rest from the next
    assert allocation("LST-b") == (1, {"hz": 1})
    groups = {g.warehouse.code: sorted((fl.line.partner_sku, fl.quantity) for fl in g.lines.all())
              for g in FulfilmentGroup.objects.filter(order=order)}
    assert groups == {"hz": [("LST-a", 5), ("LST-b", 1)], "sh": [("LST-a", 2)]}
    assert all(g.status == FulfilmentGroup.Status.PENDING and g.supplier == listed.supplier
               for g in FulfilmentGroup.objects.filter(order=order))


def test_the_same_product_costs_what_each_store_asks(listed, online, shop):
    in_online = place(basket=basket_in(online, ("LST-a", 1)), store=online, user=shopper())
    in_shop = place(basket=basket_in(shop, ("LST-a", 1)), store=shop, user=shopper())
    assert (in_online.total_incl_tax, in_shop.total_incl_tax) == (D("20.00"), D("16.80"))


def test_more_than_is_free_is_sold_out_and_nothing_is_written(listed, online):
    place(basket=basket_in(online, ("LST-b", 1)), store=online, user=shopper())  # 1 of 2 left
    orders = Order.objects.count()
    basket = basket_in(online, ("LST-a", 1), ("LST-b", 2))
    with pytest.raises(SoldOut, match=r"Sold out: Listing tea \(100 g\)"):
        place(basket=basket, store=online, user=shopper())
    assert Order.objects.count() == orders
    assert allocation("LST-a") == (0, {"hz": 0}) and allocation("LST-b") == (1, {"hz": 1})
    assert not Basket.objects.get(pk=basket.pk).is_submitted


def test_oscars_own_order_creator_cannot_oversell_either(listed, online):
    basket = basket_in(online, ("LST-b", 2))
    place(basket=basket_in(online, ("LST-b", 1)), store=online, user=shopper())
    shipping = Free()
    total = OrderTotalCalculator().calculate(basket, shipping.calculate(basket))
    with pytest.raises(SoldOut):
        OrderCreator().place_order(basket=basket, total=total, shipping_method=shipping,
                                   shipping_charge=shipping.calculate(basket), user=shopper(),
                                   order_number="OVERSELL-1")
    assert not Order.objects.filter(number="OVERSELL-1").exists() and allocation("LST-b")[0] == 1


def test_a_price_changed_since_adding_is_shown_and_the_next_attempt_pays_the_new_price(listed, online):
    basket = basket_in(online, ("LST-a", 1))
    Listing.objects.filter(store=online, stockrecord=record("LST-a")).update(price=D("21.50"))
    with pytest.raises(PriceChanged, match=r"Listing tea \(50 g\) 20.00 → 21.50"):
        place(basket=basket, store=online, user=shopper())
    assert not Order.objects.filter(basket=basket).exists()
    order = place(basket=Basket.objects.get(pk=basket.pk), store=online, user=shopper())
    assert order.total_incl_tax == D("21.50")


def test_a_product_no_longer_sold_in_the_store_cannot_be_ordered(listed, online):
    basket = basket_in(online, ("LST-a", 1))
    Listing.objects.filter(store=online).update(is_paused=True)
    with pytest.raises(CheckoutError, match=r"No longer sold: Listing tea \(50 g\) in Sunrise Online"):
        place(basket=basket, store=online, user=shopper())


def test_an_empty_basket_or_a_guest_without_e_mail_is_refused(listed, online):
    with pytest.raises(CheckoutError, match="Add something to your basket first"):
        place(basket=basket_in(online), store=online, user=shopper())
    from django.contrib.auth.models import AnonymousUser

    guest_basket = Basket.objects.create()
    guest_basket.strategy = Selector().strategy(store=online)
    guest_basket.add_product(record("LST-a").product, 1)
    with pytest.raises(CheckoutError, match="Enter your e-mail address"):
        place(basket=guest_basket, store=online, user=AnonymousUser())
    order = place(basket=guest_basket, store=online, user=AnonymousUser(), guest_email="guest@example.test")
    assert order.guest_email == "guest@example.test" and order.user is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_checkouts_for_the_last_ten_units_place_exactly_ten_orders():
    from parties.demo import load_demo
    from parties.models import Distributor, Store

    load_demo(with_catalogue=False)
    owner = get_user_model().objects.get(email="supplier@demo.test")
    operator = get_user_model().objects.get(email="operator@demo.test")
    supplier = owner.memberships.get().supplier
    entry = catalogue.product_create(actor=owner, supplier=supplier,
                                     data=tea_input(a={"stock": {"hz": 6, "sh": 4}}))
    catalogue.product_submit(actor=owner, entry=entry)
    catalogue.product_approve(actor=operator, entry=entry)
    store = Store.objects.get(slug="sunrise-online")
    from distributor.services import listings_save

    listings_save(actor=get_user_model().objects.get(email="distributor@demo.test"),
                  distributor=Distributor.objects.get(slug="sunrise-retail"), store_ids=[store.pk],
                  record_ids=[record("LST-a").pk], rule=PriceRule.SUGGESTED)
    buyers = [get_user_model().objects.create_user(username=f"buyer{n}", email=f"buyer{n}@example.test")
              for n in range(50)]
    baskets = [basket_in(store, ("LST-a", 1), owner=buyer) for buyer in buyers]
    results = run_together(lambda buyer, basket: place(basket=basket, store=store, user=buyer),
                           list(zip(buyers, baskets, strict=True)), timeout=60)
    outcomes = [result.messages[0] if isinstance(result, SoldOut) else repr(result)
                if isinstance(result, Exception) else "placed" for result in results]
    assert outcomes.count("placed") == 10, outcomes
    refused = [outcome for outcome in outcomes if outcome != "placed"]
    assert all(outcome.startswith("Sold out: Listing tea (50 g)") for outcome in refused), outcomes
    assert len(outcomes) == 50
    allocated, per_warehouse = allocation("LST-a")
    assert allocated == 10 and per_warehouse == {"hz": 6, "sh": 4}
    assert record("LST-a").num_in_stock - allocated == 0
    assert Order.objects.filter(lines__partner_sku="LST-a").count() == 10


def test_lines_added_without_a_store_are_bought_in_the_given_store_with_its_delivery(listed, online):
    from storefront.models import OrderShipping

    ShippingRule.objects.create(store=online, flat_rate=D("9.00"), free_over=D("100.00"))
    order = place(basket=basket_in(online, ("LST-a", 1)), store=online, user=shopper())
    assert order.total_incl_tax == D("29.00") and order.lines.get().store == online
    assert OrderShipping.objects.get(order=order).charge == D("9.00")
