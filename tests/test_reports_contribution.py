"""The contribution report per store, supplier and distributor against hand-computed figures, its sorting, its
CSV and Excel exports (exactly the rows shown) and its fixed number of queries.

Orders from tests/test_reports_overview.py's `sales` fixture (period 2024-03-01 … 03-11; commission 5 % of what
the shopper paid, borne by the distributor; no discount). On top, two marketing costs the platform bears, posted on
lines inside the period: a team bonus of 3.00 on O1's LST-a line (Sunrise Online) and a platform promotion of 0.50
on O2's line (the Nanjing Road shop).

| store | sales | before (O4) | orders | margin | refunds | marketing | contribution |
|---|---|---|---|---|---|---|---|
| Sunrise Online | 74.00 | 20.00 | 1 | 74.00 − 38.00 = 36.00 | 37.00 (half) | 3.00 | 3.70 − 1.85 − 3.00 = −1.15 |
| Nanjing Road | 16.80 | — | 1 | 16.80 − 10.00 = 6.80 | 0.00 | 0.50 | 0.84 − 0.50 = 0.34 |

Rank is by contribution, so the shop (0.34) ranks before Sunrise Online (−1.15) though it sold less.
"""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parties.models import Store
from reports.selectors import Filters, contribution_rows
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import PostingKind, Purpose, TransactionKind
from tests import test_reports_overview
from tests.test_reports_overview import END, START, TODAY, local

D = Decimal
sales = test_reports_overview.sales
pytestmark = pytest.mark.django_db


@pytest.fixture
def costs(sales, sunrise):
    """A team bonus on O1's LST-a line and a platform promotion on O2's line, both paid by the platform."""
    bonus_line = sales["o1"].lines.get(partner_sku="LST-a")
    promo_line = sales["o2"].lines.get()
    pending = account_for(party=sunrise, purpose=Purpose.PENDING, currency="CNY")
    for key, line, purpose, kind, amount in (
            ("bonus", bonus_line, Purpose.TEAM_BONUS, PostingKind.BONUS, D("3.00")),
            ("promotion", promo_line, Purpose.PROMOTIONS, PostingKind.DISCOUNT, D("0.50"))):
        platform = account_for(party=None, purpose=purpose, currency="CNY")
        ledger_post(key=f"report-test-{key}", kind=TransactionKind.ADJUSTMENT, at=local(TODAY, 11), legs=[
            Leg(platform, -amount, kind, line.order_id, line.pk), Leg(pending, amount, kind, line.order_id, line.pk)])
    return sales


def figures(row):
    return (row.rank, row.name, row.sales, row.previous_sales, row.orders, row.margin, row.discounts, row.refunds,
            row.marketing, row.contribution, row.trend)


ONLINE = (2, "Sunrise Online", D("74.00"), D("20.00"), 1, D("36.00"), D("0.00"), D("37.00"), D("3.00"), D("-1.15"),
          D("270.0"))
SHOP = (1, "Sunrise Nanjing Road Shop", D("16.80"), D("0.00"), 1, D("6.80"), D("0.00"), D("0.00"), D("0.50"),
        D("0.34"), None)
GREEN_LEAF = (1, "Green Leaf Tea", D("90.80"), D("20.00"), 2, D("42.80"), D("0.00"), D("37.00"), D("3.50"),
              D("-0.81"), D("354.0"))


def test_per_store_rows_and_rank_match_the_hand_computed_ones(costs):
    rows = contribution_rows(filters=Filters(start=START, end=END), by="store")
    assert [figures(row) for row in rows] == [SHOP, ONLINE]


def test_per_supplier_and_per_distributor(costs):
    [supplier] = contribution_rows(filters=Filters(start=START, end=END), by="supplier")
    assert figures(supplier) == GREEN_LEAF
    [distributor] = contribution_rows(filters=Filters(start=START, end=END), by="distributor")
    assert figures(distributor)[2:] == GREEN_LEAF[2:]
    assert distributor.name == "Sunrise Retail"


def test_a_store_filter_keeps_its_row_only(costs, online):
    rows = contribution_rows(filters=Filters(start=START, end=END, store=online), by="store")
    assert [figures(row)[1:] for row in rows] == [ONLINE[1:]]
    assert rows[0].rank == 1


def page(client, name="dashboard:mp-contribution", **params):
    return client.get(reverse(name), {"start": START, "end": END, **params})


def shown(response) -> list[list[str]]:
    import re

    html = response.content.decode()
    rows = re.findall(r'<tr class="contribution-row".*?</tr>', html, re.S)
    return [[" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_the_page_shows_the_rows_and_sorts_by_each_column(costs, signed_in):
    operator = signed_in("operator@demo.test")
    response = page(operator)
    assert response.status_code == 200
    assert shown(response) == [
        ["1", "Sunrise Nanjing Road Shop", "16.80", "1", "6.80", "0.00", "0.00", "0.50", "0.34", "—"],
        ["2", "Sunrise Online", "74.00", "1", "36.00", "0.00", "37.00", "3.00", "-1.15", "+270.0 %"]]
    assert [row[1] for row in shown(page(operator, sort="-sales"))] == ["Sunrise Online", "Sunrise Nanjing Road Shop"]
    assert [row[1] for row in shown(page(operator, sort="refunds"))] == ["Sunrise Nanjing Road Shop", "Sunrise Online"]
    assert [row[1] for row in shown(page(operator, sort="-rank"))] == ["Sunrise Online", "Sunrise Nanjing Road Shop"]
    grouping = response.content.decode().split('id="group-by"')[1].split("</ul>")[0]
    assert f'href="?by=supplier&amp;start={START}&amp;end={END}"' in grouping  # switching keeps the period
    per_supplier = shown(page(operator, by="supplier"))
    assert per_supplier == [["1", "Green Leaf Tea", "90.80", "2", "42.80", "0.00", "37.00", "3.50", "-0.81",
                             "+354.0 %"]]


def test_the_exports_hold_exactly_the_rows_shown(costs, signed_in):
    operator = signed_in("operator@demo.test")
    response = page(operator, "dashboard:mp-contribution-csv", sort="-sales")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="contribution-store-2024-03-01-2024-03-11.csv"'
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Rank", "Store", "Sales"]
    assert table[1:] == [["2", "Sunrise Online", "74.00", "1", "36.00", "0.00", "37.00", "3.00", "-1.15", "20.00",
                          "270.0"],
                         ["1", "Sunrise Nanjing Road Shop", "16.80", "1", "6.80", "0.00", "0.00", "0.50", "0.34",
                          "0.00", ""]]
    workbook = load_workbook(io.BytesIO(page(operator, "dashboard:mp-contribution-xlsx", sort="-sales").content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[2]][:2] == ["Rank", "Store"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert [[row[0], row[1], D(str(row[2])), row[3], D(str(row[8]))] for row in values] == [
        [2, "Sunrise Online", D("74.00"), 1, D("-1.15")], [1, "Sunrise Nanjing Road Shop", D("16.80"), 1, D("0.34")]]


def test_a_bad_range_exports_nothing(signed_in):
    response = signed_in("operator@demo.test").get(reverse("dashboard:mp-contribution-csv"),
                                                   {"start": "2024-03-11", "end": "2024-03-01"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "The range ends (2024-03-01) before it starts (2024-03-11)." in response.content.decode()
    assert "contribution-row" not in response.content.decode()


def test_the_report_runs_a_fixed_number_of_queries(costs, signed_in, shop):
    operator = signed_in("operator@demo.test")
    page(operator)

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            assert page(operator, **params).status_code == 200
        return len(queries.captured_queries)

    assert count(start="2024-01-01", end="2024-01-02") <= count(start="2024-02-20", end="2024-02-29")  # none / O4
    busy = count()
    assert busy == count(start="2024-02-20", end="2024-02-29")
    Store.objects.bulk_create([Store(name=f"Extra {n}", slug=f"extra-{n}", distributor=shop.distributor)
                               for n in range(5)])
    assert count() == busy == count(by="supplier") == count(start=date(2023, 3, 12).isoformat())
