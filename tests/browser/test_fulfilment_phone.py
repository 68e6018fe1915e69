"""On a 375 px phone, green-leaf-tea's warehouse ships a fresh order in two parcels through the supplier portal's
fulfilment pages, then the shopper's order page shows both tracking numbers. No page scrolls sideways."""

import pytest

from tests.browser.support import sign_in
from tests.browser.test_storefront_prices import listed_in_two_stores, text

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(phone):
    return phone


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 375, f"{page.url} scrolls sideways: {width} px"


def fresh_order():
    """shopper@demo.test buys 3 × SHOP-OO-1 in Sunrise Online (stock in green-leaf-tea's hz warehouse)."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_class, get_model

    from parties.models import Store
    from storefront.addresses import shipping_address_new
    from storefront.services import order_place
    from tests.distribution_helpers import record

    shopper = get_user_model().objects.get(email="shopper@demo.test")
    store = Store.objects.get(slug="sunrise-online")
    basket = get_model("basket", "Basket").objects.create(owner=shopper)
    basket.strategy = get_class("partner.strategy", "Selector")().strategy(store=store)
    basket.add_product(record("SHOP-OO-1").product, 3, store=store)
    return order_place(basket=basket, store=store, user=shopper, shipping_address=shipping_address_new(),
                       payment_method="offline", notify=False)


def ship_parcel(page, *, tracking: str, units: int) -> None:
    with page.expect_navigation():
        page.click("a.btn:has-text('Ship a parcel')")
    no_sideways_scroll(page)
    page.fill("input[name=carrier]", "SF Express")
    page.fill("input[name=tracking_number]", tracking)
    page.fill(".qty-row input[type=number]", str(units))
    button = page.locator("button:has-text('Ship this parcel')")
    assert button.bounding_box()["height"] >= 44
    with page.expect_navigation():
        button.click()
    no_sideways_scroll(page)


def test_a_warehouse_ships_two_parcels_from_a_phone_and_the_shopper_sees_both(site, page):
    from storefront.models import FulfilmentGroup

    listed_in_two_stores()
    order = fresh_order()
    group = FulfilmentGroup.objects.get(order=order)

    sign_in(page, site, "supplier@demo.test")
    page.goto(f"{site}/supplier/fulfilment/")
    no_sideways_scroll(page)
    card = page.locator(f"li[data-group='{group.pk}']")
    assert str(order.number) in text(card)
    with page.expect_navigation():
        card.locator("a.go").click()
    no_sideways_scroll(page)

    ship_parcel(page, tracking="SF-PHONE-1", units=1)
    assert "partly shipped" in text(page.locator("main"))
    ship_parcel(page, tracking="SF-PHONE-2", units=2)
    main = text(page.locator("main"))
    assert "SF-PHONE-1" in main and "SF-PHONE-2" in main and "partly shipped" not in main
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.SHIPPED

    page.context.clear_cookies()
    sign_in(page, site, "shopper@demo.test")
    page.goto(f"{site}/s/orders/{order.number}/")
    no_sideways_scroll(page)
    shipment = text(page.locator(f"[data-group='{group.pk}']"))
    assert "SF-PHONE-1" in shipment and "SF-PHONE-2" in shipment and "Shipped" in shipment
