"""A shopper on a phone opens two stores' storefronts and finds the same product at each store's own price.
Same Debian Chromium + Playwright set-up as the other walks; the listings are made through the services."""

import re
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(phone):
    return phone


def listed_in_two_stores() -> None:
    """An approved two-size tea of green-leaf-tea, listed at the suggested price in Sunrise Online and at 50 %
    over wholesale in the Nanjing Road shop (both stores priced to the cent here)."""
    from django.contrib.auth import get_user_model

    from distributor import services as distribution
    from parties.models import Distributor, Store, Supplier
    from supplier import services
    from supplier.catalogue_input import ProductInput, VariantInput

    users = get_user_model().objects
    owner, operator = users.get(email="supplier@demo.test"), users.get(email="operator@demo.test")
    dealer = users.get(email="distributor@demo.test")
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    entry = services.product_create(actor=owner, supplier=supplier, data=ProductInput(
        title="Shop Walk Oolong", category="Tea > Green tea", product_class="Tea", tags=[], variants=[
            VariantInput(sku="SHOP-OO-1", label="100 g", wholesale_price=Decimal("40.00"),
                         suggested_retail_price=Decimal("69.00"), min_retail_price=Decimal("55.00"),
                         stock={"hz": 30}),
            VariantInput(sku="SHOP-OO-2", label="250 g", wholesale_price=Decimal("90.00"),
                         suggested_retail_price=Decimal("159.00"), min_retail_price=Decimal("120.00"),
                         stock={"hz": 0})]))
    services.product_submit(actor=owner, entry=entry)
    services.product_approve(actor=operator, entry=entry)
    Store.objects.filter(slug__in=["sunrise-online", "sunrise-nanjing-road"]).update(
        price_ending=Store.PriceEnding.EXACT)
    sunrise = Distributor.objects.get(slug="sunrise-retail")
    records = [record.pk for child in entry.product.children.order_by("pk") for record in child.stockrecords.all()]
    online, shop = Store.objects.get(slug="sunrise-online"), Store.objects.get(slug="sunrise-nanjing-road")
    distribution.listings_save(actor=dealer, distributor=sunrise, store_ids=[online.pk], record_ids=records,
                               rule="suggested")
    distribution.listings_save(actor=dealer, distributor=sunrise, store_ids=[shop.pk], record_ids=records,
                               rule="markup", markup_percent=Decimal("50"))


def text(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text())


def fits_the_phone(page) -> None:
    widths = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], f"{page.url} is wider than a 375 px phone: {widths}"


def test_a_shopper_sees_each_stores_own_price(site, page):
    listed_in_two_stores()
    page.goto(f"{site}/s/")
    with page.expect_navigation():
        page.click("li[data-store=sunrise-online] a")
    fits_the_phone(page)
    assert text(page.locator("header .sf-store")) == "Sunrise Online"

    page.fill("input[name=q]", "oolong")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    card = page.locator("li.sf-card", has_text="Shop Walk Oolong")
    assert "from CN¥69.00" in text(card)
    with page.expect_navigation():
        card.locator("a").click()
    fits_the_phone(page)
    small = text(page.locator("li[data-sku=SHOP-OO-1]"))
    large = text(page.locator("li[data-sku=SHOP-OO-2]"))
    assert "100 g" in small and "CN¥69.00" in small and "In stock" in small
    assert "250 g" in large and "CN¥159.00" in large and "Sold out" in large

    # The Nanjing Road shop sells the same product at 50 % over wholesale, its suggested price nowhere.
    page.goto(f"{site}/s/sunrise-nanjing-road/")
    fits_the_phone(page)
    card = page.locator("li.sf-card", has_text="Shop Walk Oolong")
    assert "from CN¥60.00" in text(card)
    with page.expect_navigation():
        card.locator("a").click()
    small = text(page.locator("li[data-sku=SHOP-OO-1]"))
    large = text(page.locator("li[data-sku=SHOP-OO-2]"))
    assert "CN¥60.00" in small and "CN¥135.00" in large
    body = text(page.locator("main"))
    assert "CN¥69.00" not in body and "CN¥159.00" not in body

    # The shopper switches to Chinese: the store's Chinese name.
    with page.expect_navigation():
        page.select_option("header select[name=language]", "zh-hans")
    assert page.evaluate("() => document.documentElement.lang") == "zh-hans"
    assert text(page.locator("header .sf-store")) == "日出南京路店"
    assert "CN¥60.00" in text(page.locator("li[data-sku=SHOP-OO-1]")) or "60.00" in text(
        page.locator("li[data-sku=SHOP-OO-1]"))
    fits_the_phone(page)
