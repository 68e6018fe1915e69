"""The analytics overview in a browser: operator@demo.test opens it, sees the figures and the SVG charts of the
last 30 days, picks one store in the filter, submits, and the figures narrow to that store's sales.

Two new stores (so that the demo's own sales never mix in) each get one paid order written directly (an order,
one line, a paid payment): 50.00 of goods in "Analytics Corner" and 30.00 in "Analytics Kiosk", paid an hour ago.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser]


def paid_order(number: str, store_name: str, amount: Decimal):
    """A paid order of one line sold by the store (what the report reads: the line, its store, the payment)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from oscar.core.loading import get_model

    from parties.models import Distributor, Store
    from payments.models import Payment

    Order, Line = get_model("order", "Order"), get_model("order", "Line")
    when = timezone.now() - timedelta(hours=1)
    store = Store.objects.create(name=store_name, slug=store_name.lower().replace(" ", "-"),
                                 distributor=Distributor.objects.get(slug="sunrise-retail"))
    shopper = get_user_model().objects.get(email="shopper@demo.test")
    order = Order.objects.create(number=number, currency="CNY", total_incl_tax=amount, total_excl_tax=amount,
                                 status="Paid", user=shopper, date_placed=when)
    Line.objects.create(order=order, store=store, partner_sku=f"SKU-{number}", title=f"Tea {number}", quantity=1,
                        line_price_incl_tax=amount, line_price_excl_tax=amount,
                        line_price_before_discounts_incl_tax=amount, line_price_before_discounts_excl_tax=amount,
                        wholesale_price=amount / 2, num_allocated=0)
    Payment.objects.create(order=order, method="offline", amount=amount, currency="CNY", status=Payment.Status.PAID,
                           paid_at=when)
    return store


def figure(page, name: str) -> str:
    return page.locator(f"#fig-{name} .figure").inner_text().strip()


def test_the_operator_filters_the_overview_by_a_store(site, desk):
    from django.urls import reverse

    corner = paid_order("AN-1", "Analytics Corner", Decimal("50.00"))
    paid_order("AN-2", "Analytics Kiosk", Decimal("30.00"))

    sign_in(desk, site, "operator@demo.test")
    desk.goto(site + reverse("dashboard:mp-analytics-overview"))
    everything = Decimal(figure(desk, "gmv"))
    assert everything >= Decimal("80.00")
    assert int(figure(desk, "stores")) >= 2
    chart = desk.locator("svg#chart-gmv")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 1
    names = desk.locator("svg#chart-stores text").all_text_contents()
    assert any(name.startswith("Analytics Corner · 50.00") for name in names)
    assert any(name.startswith("Analytics Kiosk · 30.00") for name in names)

    desk.select_option("#id_store", label=str(corner))
    with desk.expect_navigation():
        desk.click("#apply-filters")
    assert f"store={corner.pk}" in desk.url
    assert desk.locator("#filter-store").inner_text() == str(corner)
    assert figure(desk, "gmv") == "50.00"
    assert figure(desk, "orders") == "1"
    assert figure(desk, "stores") == "1"
    assert desk.locator("svg#chart-gmv").is_visible()
    assert desk.locator("svg#chart-stores rect").count() == 1
    assert desk.locator("svg#chart-stores text").first.text_content().startswith("Analytics Corner · 50.00")
