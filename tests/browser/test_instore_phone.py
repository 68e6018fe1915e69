"""A shop's staff rings up an in-shop sale on a phone (375 × 812): scan a SKU at /store/pos/, take cash, see the
receipt; then a shopper on the shared-stock sibling store's product page sees the availability lower by the units
sold. Listings and the shop's floor stock are made through the services."""

import pytest

from tests.browser.support import sign_in
from tests.browser.test_storefront_prices import fits_the_phone, listed_in_two_stores, text

pytestmark = [pytest.mark.browser]


def floor_stock(units: int) -> None:
    """`units` of SHOP-OO-1 delivered to the Nanjing Road shop floor (the supplier's hz warehouse holds 30)."""
    from oscar.core.loading import get_model

    from inventory.selectors import store_locations
    from inventory.services import stock_receive
    from parties.models import Store

    floor = store_locations(store=Store.objects.get(slug="sunrise-nanjing-road")).first()
    record = get_model("partner", "StockRecord").objects.get(partner_sku="SHOP-OO-1")
    stock_receive(location=floor, items=[(record.pk, units)], actor=None, reason="Delivered to the shop")


def availability(page, site: str, entry_pk: int) -> int:
    page.goto(f"{site}/s/sunrise-online/p/{entry_pk}/")
    fits_the_phone(page)
    return int(page.locator("li[data-sku=SHOP-OO-1] [data-available]").get_attribute("data-available"))


def test_staff_ring_up_a_cash_sale_and_the_sibling_store_shows_fewer_in_stock(site, browser, phone):
    from oscar.core.loading import get_model

    from storefront.instore.models import InStoreSale
    from supplier.models import SupplierProduct

    listed_in_two_stores()  # SHOP-OO-1: 69.00 in Sunrise Online, 60.00 (50 % over 40.00) in the shop
    floor_stock(5)
    entry_pk = SupplierProduct.objects.get(product__title="Shop Walk Oolong").pk

    shopper_context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    shopper = shopper_context.new_page()
    try:
        sign_in(shopper, site, "shopper@demo.test")
        assert availability(shopper, site, entry_pk) == 35  # 30 in the supplier's warehouse + 5 on the shop floor

        page = phone
        sign_in(page, site, "shopstaff@demo.test")
        page.goto(f"{site}/store/pos/")
        fits_the_phone(page)
        page.fill("input[name=code]", "SHOP-OO-1")
        with page.expect_navigation():
            page.click("form.pos-scan button[type=submit]")
        with page.expect_navigation():
            page.click("li[data-sku=SHOP-OO-1] button[aria-label='One more']")
        fits_the_phone(page)
        assert text(page.locator("li[data-sku=SHOP-OO-1] [data-qty]")) == "2"
        assert "CN¥120.00" in text(page.locator("[data-total]"))
        page.check("input[name=method][value=cash]")
        page.fill("input[name=tendered]", "200")
        with page.expect_navigation():
            page.click("button[data-complete]")
        fits_the_phone(page)
        receipt = text(page.locator("[data-receipt]"))
        sale = InStoreSale.objects.get()
        assert sale.order.number in receipt and "Sunrise Nanjing Road" in receipt
        assert "CN¥120.00" in text(page.locator("[data-total]"))
        assert "CN¥80.00" in text(page.locator("[data-change]")) and "Served by Xu Ping" in receipt
        assert get_model("order", "Order").objects.get(pk=sale.order_id).status == "Completed"

        assert availability(shopper, site, entry_pk) == 33
    finally:
        shopper_context.close()


def test_an_online_store_gets_a_clear_message(site, phone):
    sign_in(phone, site, "storeadmin@demo.test")
    phone.goto(f"{site}/store/pos/")
    fits_the_phone(phone)
    assert "only physical shops ring up sales here" in text(phone.locator("[data-not-a-shop]"))
