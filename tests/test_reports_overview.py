"""The analytics overview against figures worked out by hand from a few orders with known prices.

The fixture `sales` places four orders of the test tea (LST-a: wholesale 10.00, retail 20.00 in Sunrise Online
and 16.80 in the Nanjing Road shop; LST-b: 18.00 / 34.00), pays three of them and moves their payment and ledger
dates into March 2024 (nothing of the demo is there), so the report's period holds only them:

| order | store | goods | delivery | paid (local time) | refund |
|---|---|---|---|---|---|
| O1 | Sunrise Online (online) | 2 × LST-a 40.00 + LST-b 34.00 = 74.00 | 10.00 | 2024-03-10 12:00 | 42.00 on 03-11 |
| O2 | Nanjing Road (offline) | LST-a 16.80 | free | 2024-03-11 10:00 | — |
| O3 | Sunrise Online | LST-b 34.00 | 10.00 | never (not counted) | — |
| O4 | Sunrise Online | LST-a 20.00 | 10.00 | 2024-02-25 12:00 | — |

O1 is refunded half (42.00 of 84.00): every posting reverses by exactly 0.5, goods 37.00 and delivery 5.00.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from distributor.models import PriceRule
from parties.models import Store, Supplier
from payments.models import Payment
from payments.selectors import order_payment
from payments.services import payment_refund
from reports.selectors import Filters, analytics_overview
from settlement.models import Posting
from storefront.models import ShippingRule
from tests import test_returns
from tests.distribution_helpers import list_in
from tests.isolation import PARTY_USERS
from tests.isolation_reports import ENTRIES

D = Decimal
pytestmark = pytest.mark.django_db
START, END = date(2024, 3, 1), date(2024, 3, 11)  # 11 days; the previous period is 2024-02-19 … 02-29
TODAY = END


def local(day: date, hour: int):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour), timezone.get_current_timezone())


def move(order, paid_at):
    """Date the order's payment and its payment postings as if paid at `paid_at`."""
    Payment.objects.filter(order=order).update(paid_at=paid_at)
    Posting.objects.filter(order=order, transaction__kind="payment").update(posted_at=paid_at)


@pytest.fixture
def sales(tea, dealer, sunrise, online, shop):
    ShippingRule.objects.update_or_create(store=online, defaults={"flat_rate": D("10.00"), "free_over": D("199.00")})
    ShippingRule.objects.filter(store=shop).delete()
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.80"))
    shopper, other = test_returns.user("shopper@demo.test"), test_returns.user("storeadmin@demo.test")

    def order(store, items, who):
        return test_returns.place(test_returns.basket_in(store, *items, owner=who), store, user=who)

    o1 = order(online, [("LST-a", 2), ("LST-b", 1)], shopper)
    o2 = order(shop, [("LST-a", 1)], other)
    o3 = order(online, [("LST-b", 1)], shopper)
    o4 = order(online, [("LST-a", 1)], shopper)
    paid = ((o1, local(date(2024, 3, 10), 12)), (o2, local(TODAY, 10)), (o4, local(date(2024, 2, 25), 12)))
    for placed, when in paid:
        test_returns.pay(placed)
        move(placed, when)
    assert [order_payment(order=o).amount for o in (o1, o2, o3, o4)] == [D("84.00"), D("16.80"), D("44.00"),
                                                                          D("30.00")]
    payment_refund(payment=order_payment(order=o1), amount=D("42.00"), reason="half", key="report-test-1")
    Posting.objects.filter(order=o1, transaction__kind="refund").update(posted_at=local(TODAY, 9))
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4}


def figures(**filters):
    return analytics_overview(filters=Filters(start=START, end=END, **filters), today=TODAY)


def test_the_period_figures_match_the_hand_computed_ones(sales):
    view = figures()
    period, previous = view.figures["period"], view.figures["previous"]
    assert period.gmv == D("100.80")  # O1 74.00 + 10.00 delivery, O2 16.80; O3 unpaid, O4 before
    assert (period.orders, period.shoppers, period.stores) == (2, 2, 2)
    assert period.average == D("50.40")
    assert period.refunded == D("42.00")
    assert period.refund_rate == D("41.7")  # 42.00 / 100.80
    assert (previous.gmv, previous.orders, previous.shoppers, previous.stores) == (D("30.00"), 1, 1, 1)
    gmv = next(item for item in view.compare("period", "previous") if item.name == "gmv")
    assert gmv.change == D("236.0")  # (100.80 − 30.00) / 30.00
    assert view.gmv_by_day == {date(2024, 3, 10): D("84.00"), date(2024, 3, 11): D("16.80")}
    assert view.orders_by_day == {date(2024, 3, 10): 1, date(2024, 3, 11): 1}
    assert [(name, gmv) for name, gmv, _ in view.top_stores] == [("Sunrise Online", D("74.00")),
                                                                  ("Sunrise Nanjing Road Shop", D("16.80"))]
    assert [(title, gmv, units) for title, gmv, units in view.top_products] == [("Listing tea", D("90.80"), 4)]
    assert view.channels == [("offline", D("16.80"), 1), ("online", D("74.00"), 1)]


def test_today_against_yesterday(sales):
    view = figures()
    today, yesterday = view.figures["today"], view.figures["yesterday"]
    assert (today.gmv, today.orders, today.refunded, today.refund_rate) == (D("16.80"), 1, D("42.00"), D("250.0"))
    assert (yesterday.gmv, yesterday.orders, yesterday.refunded) == (D("84.00"), 1, D("0.00"))
    gmv = next(item for item in view.compare("today", "yesterday") if item.name == "gmv")
    assert gmv.change == D("-80.0")  # (16.80 − 84.00) / 84.00


def test_a_filter_narrows_every_figure_to_its_lines(sales, online, shop, sunrise):
    in_shop = figures(store=shop).figures["period"]
    assert (in_shop.gmv, in_shop.orders, in_shop.shoppers, in_shop.stores, in_shop.refunded) == (
        D("16.80"), 1, 1, 1, D("0.00"))
    in_online = figures(store=online).figures["period"]
    assert (in_online.gmv, in_online.orders, in_online.refunded) == (D("84.00"), 1, D("42.00"))
    # a supplier's figures are its goods only: no delivery charge, only the goods' part of the refund
    by_supplier = figures(supplier=Supplier.objects.get(slug="green-leaf-tea")).figures["period"]
    assert (by_supplier.gmv, by_supplier.orders, by_supplier.refunded) == (D("90.80"), 2, D("37.00"))
    assert figures(distributor=sunrise).figures["period"].gmv == D("100.80")
    other = figures(supplier=Supplier.objects.get(slug="golden-grain")).figures["period"]
    assert (other.gmv, other.orders, other.refunded) == (D("0.00"), 0, D("0.00"))


def test_a_category_includes_its_subcategories(sales):
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    green = Category.objects.get(name="Green tea", depth=2)
    tea = green.get_parent()
    assert figures(category=green).figures["period"].gmv == D("90.80")
    assert figures(category=tea).figures["period"].gmv == D("90.80")
    elsewhere = Category.objects.exclude(path__startswith=tea.path).filter(depth=1).first()
    assert figures(category=elsewhere).figures["period"].gmv == D("0.00")


def page(client, **params):
    return client.get(reverse("dashboard:mp-analytics-overview"), {"start": START, "end": END, **params})


def text(response, marker: str) -> str:
    import re

    html = response.content.decode()
    block = html[html.index(f'id="{marker}"'):]
    return re.search(r'class="figure">([^<]*)<', block).group(1)


def test_the_page_shows_the_figures_and_a_store_filter_changes_them(sales, signed_in, shop):
    operator = signed_in("operator@demo.test")
    everything = page(operator)
    assert everything.status_code == 200
    assert (text(everything, "fig-gmv"), text(everything, "fig-orders"), text(everything, "fig-average")) == (
        "100.80", "2", "50.40")
    assert text(everything, "fig-refund_rate") == "41.7"
    html = everything.content.decode()
    assert 'id="chart-gmv"' in html and "<polyline" in html and 'id="chart-channels"' in html
    assert "Physical shop · 16.80" in html and "Online shop · 74.00" in html
    assert "An order counts once it is paid" in html  # the definitions are on the page
    narrowed = page(operator, store=shop.pk)
    assert (text(narrowed, "fig-gmv"), text(narrowed, "fig-orders"), text(narrowed, "fig-refunded")) == (
        "16.80", "1", "0.00")


@pytest.mark.parametrize("start, end, message", [
    ("2024-03-11", "2024-03-01", "The range ends (2024-03-01) before it starts (2024-03-11)."),
    ("2023-01-01", "2024-03-01", "Choose a range of at most 366 days."),
    ("1999-12-01", "1999-12-31", "Choose dates from 2000-01-01 on."),
    ("2024-03-01", "2999-01-01", "The range cannot go beyond today"),
    ("2024-13-01", "2024-03-01", "Enter a date, such as 2026-05-01."),
])
def test_a_bad_range_is_refused_with_a_message_and_nothing_computed(signed_in, start, end, message):
    operator = signed_in("operator@demo.test")
    with CaptureQueriesContext(__import__("django.db").db.connection) as queries:
        response = operator.get(reverse("dashboard:mp-analytics-overview"), {"start": start, "end": end})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'id="figures"' not in html and 'id="report-filters"' in html
    assert not any("order_line" in query["sql"] for query in queries.captured_queries)


def test_the_default_range_is_the_last_30_days(signed_in):
    response = signed_in("operator@demo.test").get(reverse("dashboard:mp-analytics-overview"))
    today = timezone.localdate()
    assert response.context["filters"].end == today
    assert (today - response.context["filters"].start).days == 29


def test_the_page_runs_a_fixed_number_of_queries(sales, signed_in, shop, django_assert_max_num_queries):
    from django.db import connection

    operator = signed_in("operator@demo.test")
    page(operator)  # warm the session and the site caches

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            assert page(operator, **params).status_code == 200
        return len(queries.captured_queries)

    quiet = count(start="2024-01-01", end="2024-01-02")  # no sale at all
    busy = count()
    assert busy == quiet
    Store.objects.bulk_create([Store(name=f"Extra {n}", slug=f"extra-{n}", distributor=shop.distributor)
                               for n in range(5)])
    assert count() == busy
    with django_assert_max_num_queries(20):
        page(operator)


@pytest.mark.parametrize("url_name", sorted(ENTRIES))
@pytest.mark.parametrize("email", PARTY_USERS)
def test_non_operators_get_404_on_every_report_url(url_name, email, signed_in):
    response = signed_in(email).get(reverse(url_name, kwargs=ENTRIES[url_name]()))
    assert response.status_code == 404


def test_the_operator_reaches_every_report_url(signed_in):
    operator = signed_in("operator@demo.test")
    for url_name in ENTRIES:
        assert operator.get(reverse(url_name, kwargs=ENTRIES[url_name]())).status_code == 200, url_name
