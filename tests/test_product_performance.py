"""Cross-store product performance, by hand: the listing tea (LST-a wholesale 10 / retail 20, LST-b 18 / 34) is
listed in Sunrise Online and its sibling Sunrise Nanjing Road (Sunrise Retail) and in Harbor Online (Harbor Goods).

  Sunrise Online, 5 days ago, paid:    2 × LST-a + 1 × LST-b → 3 units, revenue 74.00, margin 74 − 38 = 36.00
  Harbor Online, 40 days ago, paid:    1 × LST-a             → 1 unit,  revenue 20.00, margin 10.00
  Sunrise Online, 2 days ago, unpaid:  1 × LST-b             → not a sale
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from distributor.models import Listing, PriceRule
from parties.models import Distributor
from tests import test_returns
from tests.distribution_helpers import list_in
from tests.test_customers import buy, cell, harbor_online, new_shopper, text, user  # noqa: F401  (fixture)

listed = test_returns.listed
pytestmark = pytest.mark.django_db
URL = "dashboard:mp-product-performance"


@pytest.fixture
def sold(listed, online, shop, harbor_online, sunrise, dealer):  # noqa: F811
    list_in(dealer, sunrise, [shop], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    list_in(user("harbor@demo.test"), Distributor.objects.get(slug="harbor-goods"), [harbor_online],
            ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    shopper = new_shopper("perf@example.test")
    buy(online, [("LST-a", 2), ("LST-b", 1)], owner=shopper, days_ago=5)
    buy(harbor_online, [("LST-a", 1)], owner=shopper, days_ago=40)
    buy(online, [("LST-b", 1)], owner=shopper, days_ago=2, paid=False)
    return listed.product


def day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def rows(page: str) -> dict[str, str]:
    found = re.findall(r'<tr class="store-row"[^>]*>(.*?)</tr>', page)
    return {re.search(r"<td>([^<]+)</td>", row).group(1): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in found}


def test_one_product_in_every_store_by_hand(sold, signed_in):
    page = text(signed_in("operator@demo.test").get(reverse(URL), {"product": sold.pk}))
    stores = rows(page)
    assert set(stores) == {"Sunrise Online", "Sunrise Nanjing Road Shop", "Harbor Online"}
    assert re.search(r"listed .*20\.00 – .*34\.00 3 .*74\.00 .*36\.00$", stores["Sunrise Online"]), stores
    assert re.search(r"listed .*20\.00 – .*34\.00 0 .*0\.00 .*0\.00$", stores["Harbor Online"])  # sold 40 days ago
    assert "1 of the 3 stores that list it sold it in the period (33.3%)" in page
    assert "74.00" in cell(page, "total-revenue") and cell(page, "total-units") == "3"


def test_a_longer_period_takes_the_older_sale_in(sold, signed_in):
    page = text(signed_in("operator@demo.test").get(reverse(URL), {"product": sold.pk, "start": day(45),
                                                                    "end": day(0)}))
    assert re.search(r" 1 .*20\.00 .*10\.00$", rows(page)["Harbor Online"])
    assert "2 of the 3 stores that list it sold it in the period (66.7%)" in page
    assert cell(page, "total-units") == "4" and "94.00" in cell(page, "total-revenue")
    assert "46.00" in cell(page, "total-margin")


def test_sells_in_one_store_not_in_its_listing_siblings(sold, signed_in):
    client = signed_in("operator@demo.test")
    page = text(client.get(reverse(URL), {"start": day(45), "end": day(0)}))
    lone = [row for row in re.findall(r'<tr class="lone-row">(.*?)</tr>', page) if "Listing tea" in row]
    assert len(lone) == 1, lone  # Harbor Online has no sibling store, so its sale is not listed
    assert re.search(r"Sunrise Online</td><td>Sunrise Retail</td><td>3</td><td>.*74\.00</td><td>1</td>", lone[0])
    Listing.objects.filter(store__slug="sunrise-nanjing-road", stockrecord__product__parent=sold).update(
        is_paused=True)
    page = text(client.get(reverse(URL), {"product": sold.pk}))
    assert not [row for row in re.findall(r'<tr class="lone-row">(.*?)</tr>', page) if "Listing tea" in row]
    assert " paused " in rows(page)["Sunrise Nanjing Road Shop"]
    assert "1 of the 2 stores that list it" in page


def test_search_finds_the_product(sold, signed_in):
    page = text(signed_in("operator@demo.test").get(reverse(URL), {"q": "LST-b"}))
    assert f"product={sold.pk}" in page and "Listing tea" in page


@pytest.mark.parametrize(("start", "end", "message"), [
    (3, 10, "before it starts"),
    (400, 0, "Choose a range of at most 366 days."),
    ("1999-12-01", "1999-12-31", "Choose dates from 2000-01-01 on."),
    (1, -2, "The range cannot go beyond today"),
])
def test_a_bad_period_says_so_and_computes_nothing(sold, signed_in, start, end, message):
    dates = [value if isinstance(value, str) else day(value) for value in (start, end)]
    client = signed_in("operator@demo.test")
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get(reverse(URL), {"product": sold.pk, "start": dates[0], "end": dates[1]}))
    assert message in page
    assert 'id="product-stores"' not in page and 'id="lone-sellers"' not in page
    assert not [q for q in queries.captured_queries if "order_line" in q["sql"]]


def test_the_page_runs_fixed_queries(sold, online, signed_in):
    client = signed_in("operator@demo.test")
    params = {"product": sold.pk, "start": day(45), "end": day(0)}
    client.get(reverse(URL), params)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(URL), params)
    shopper = new_shopper("more@example.test")
    buy(online, [("LST-a", 1)], owner=shopper, days_ago=1)
    with CaptureQueriesContext(connection) as more:
        page = text(client.get(reverse(URL), params))
    assert cell(page, "total-units") == "5"
    assert len(more) == len(few)


@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "shopper@demo.test"])
def test_non_operators_get_404(email, signed_in):
    assert signed_in(email).get(reverse(URL), {"q": "tea"}).status_code == 404
