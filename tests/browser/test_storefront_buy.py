"""A shopper on a phone buys from one store's storefront: basket, coupon, checkout with the offline method, the
confirmation page, and the order in the order history. Listings and the coupon are made through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.support import check_out_offline
from tests.browser.test_storefront_prices import fits_the_phone, listed_in_two_stores, text

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(phone):
    return phone


def sunrise_coupon(code: str) -> None:
    """A 10 % coupon of Sunrise Retail, made the way its distributor makes one in the portal."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from distributor.promotions.services import PromotionInput, promotion_create
    from parties.models import Distributor

    now = timezone.now()
    promotion_create(actor=get_user_model().objects.get(email="distributor@demo.test"),
                     distributor=Distributor.objects.get(slug="sunrise-retail"),
                     data=PromotionInput(kind="coupon", name="Walk coupon", start=now - timedelta(hours=1),
                                         end=now + timedelta(days=7), percent=Decimal("10"), code=code))


def test_a_shopper_buys_with_a_coupon_and_the_offline_method(site, page):
    from oscar.core.loading import get_model

    from parties.models import Store
    from storefront.services import shipping_rule_set

    listed_in_two_stores()
    sunrise_coupon("WALK10")
    shipping_rule_set(store=Store.objects.get(slug="sunrise-online"), flat_rate=Decimal("10.00"),
                      free_over=Decimal("199.00"), actor=None)
    page.goto(f"{site}/login/?next=/s/sunrise-online/")
    page.fill("input[name=username]", "shopper@demo.test")
    page.fill("input[name=password]", "marketplace-demo")
    with page.expect_navigation():
        page.click("form button[type=submit]")

    page.goto(f"{site}/s/sunrise-online/?q=oolong")
    with page.expect_navigation():
        page.locator("li.sf-card", has_text="Shop Walk Oolong").locator("a").click()
    page.fill("li[data-sku=SHOP-OO-1] input[name=quantity]", "2")
    with page.expect_navigation():
        page.click("li[data-sku=SHOP-OO-1] button[type=submit]")
    fits_the_phone(page)
    assert "Added Shop Walk Oolong (100 g) to your" in text(page.locator(".sf-messages"))
    assert "CN¥138.00" in text(page.locator("section[data-store=sunrise-online]"))

    page.fill("input[name=code]", "walk10")  # typed in lower case: codes are not case-sensitive
    with page.expect_navigation():
        page.click("form[action$='/coupon/'] button[type=submit]")
    assert "Coupon WALK10 applied." in text(page.locator(".sf-messages"))
    totals = text(page.locator(".sf-totals"))
    assert "−CN¥13.80" in totals and "CN¥124.20" in totals and "CN¥134.20" in totals  # + CN¥10.00 delivery

    number = check_out_offline(page, on_checkout_page=fits_the_phone)
    fits_the_phone(page)
    assert "Thank you! Your order is placed." in text(page.locator("[data-placed]"))
    order = get_model("order", "Order").objects.get(number=number)
    assert order.total_incl_tax == Decimal("134.20") and order.user.email == "shopper@demo.test"
    assert "Pending payment" in text(page.locator("main"))

    with page.expect_navigation():
        page.click("header a[href='/s/orders/']")
    fits_the_phone(page)
    row = text(page.locator(f"li[data-order='{number}']"))
    assert "CN¥134.20" in row and "Pending payment" in row
