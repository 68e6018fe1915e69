"""A distributor lists a market product in two of its stores at two prices, in a real browser, and finds both
listings with their prices on its listings page. Same Debian Chromium + Playwright set-up as the other walks."""

import re

import pytest

from tests.browser.support import assert_stylesheets_loaded, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(phone):
    return phone


def approved_product() -> None:
    """One approved product of green-leaf-tea (the demo is loaded without catalogues here)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from parties.models import Supplier
    from supplier import services
    from supplier.catalogue_input import ProductInput, VariantInput

    users = get_user_model().objects
    owner, operator = users.get(email="supplier@demo.test"), users.get(email="operator@demo.test")
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    entry = services.product_create(actor=owner, supplier=supplier, data=ProductInput(
        title="Walk Mao Feng", category="Tea > Green tea", product_class="Tea", tags=[], variants=[
            VariantInput(sku="WALK-MF-1", label="100 g", wholesale_price=Decimal("40.00"),
                         suggested_retail_price=Decimal("69.00"), min_retail_price=Decimal("55.00"),
                         stock={"hz": 30})]))
    services.product_submit(actor=owner, entry=entry)
    services.product_approve(actor=operator, entry=entry)


def text(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text())


def test_list_a_market_product_in_two_stores_at_two_prices(site, page):
    from distributor.models import Listing

    approved_product()
    sign_in(page, site, "distributor@demo.test")
    page.goto(f"{site}/distributor/market/")
    with page.expect_navigation():
        page.click("text=Walk Mao Feng")
    assert_stylesheets_loaded(page)
    form = page.locator("#list-form")
    assert form.locator("input[name=records]").is_checked(), "the product's SKUs are ticked by default"

    # Sunrise Online at the suggested retail price.
    form.locator("label", has_text="Sunrise Online").locator("input").check()
    form.locator("input[name=rule][value=suggested]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Listed 1 SKU(s) of “Walk Mao Feng” in Sunrise Online." in text(page.locator("ul.messages"))

    # The Nanjing Road shop at a fixed price of its own.
    form = page.locator("#list-form")
    form.locator("label", has_text="Sunrise Nanjing Road Shop").locator("input").check()
    form.locator("input[name=rule][value=fixed]").check()
    form.locator("input[name=fixed_price]").fill("62.00")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    mine = text(page.locator("ul.my-listings"))
    assert "Sunrise Online" in mine and "CN¥69.00" in mine
    assert "Sunrise Nanjing Road Shop" in mine and "CN¥62.00" in mine

    # Both listings, each with its price, on the listings page.
    with page.expect_navigation():
        page.click("nav.portal-nav >> text=Listings")
    online = text(page.locator("li.listing-row[data-store=sunrise-online][data-sku=WALK-MF-1]"))
    shop = text(page.locator("li.listing-row[data-store=sunrise-nanjing-road][data-sku=WALK-MF-1]"))
    assert "Walk Mao Feng" in online and "CN¥69.00" in online and "Suggested retail price" in online
    assert "Walk Mao Feng" in shop and "CN¥62.00" in shop and "Fixed price" in shop
    widths = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], "the listings page fits a 375 px phone"
    assert sorted(Listing.objects.filter(stockrecord__partner_sku="WALK-MF-1").values_list("price", flat=True)) == [
        62, 69]
