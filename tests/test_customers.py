"""One shopper across stores: the operator's profile (every store) and the distributor's (its own stores only),
figures checked by hand against a small fixture, the read audited, query counts fixed, strangers kept out.

The fixture: a new shopper, Pat, buys in Sunrise Online (Sunrise Retail) and Harbor Online (Harbor Goods):
  A  Sunrise Online, 10 days ago, paid:   2 × LST-a (20.00) + 1 × LST-b (34.00) = 74.00 + delivery 10.00 = 84.00
  B  Harbor Online, 5 days ago, paid:     1 × CUS-kettle (50.00) = 50.00 + delivery 12.00 = 62.00
  C  Sunrise Online, 1 day ago, NOT paid: 1 × LST-a = 20.00 + 10.00 = 30.00
Spend = paid orders = 84.00 + 62.00 = 146.00; categories Green tea 74.00, Kitchen 50.00 (C is not paid).
A refund-only return of one LST-a of order A refunds 20.00.
"""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from distributor.models import PriceRule
from parties.models import Distributor, Store, Supplier
from points.selectors import points_balance
from storefront.returns import services as returns
from storefront.returns.models import ReturnRequest
from supplier import services as catalogue
from supplier.catalogue_input import ProductInput, VariantInput
from tests import test_returns
from tests.distribution_helpers import exact_prices, list_in

D = Decimal
listed = test_returns.listed
pytestmark = pytest.mark.django_db


def user(email):
    return get_user_model().objects.get(email=email)


def new_shopper(email, first="Pat", last="Lee"):
    return get_user_model().objects.create_user(username=email.split("@")[0], email=email, password="x",
                                                first_name=first, last_name=last)


def kettle():
    """A standalone product in Home > Kitchen: CUS-kettle, wholesale 30.00, suggested retail 50.00."""
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    entry = catalogue.product_create(actor=user("supplier@demo.test"), supplier=supplier, data=ProductInput(
        title="Customer kettle", category="Home > Kitchen", product_class="Tea", variants=[VariantInput(
            sku="CUS-kettle", wholesale_price=D("30.00"), suggested_retail_price=D("50.00"),
            min_retail_price=D("35.00"), stock={"hz": 20})]))
    catalogue.product_submit(actor=user("supplier@demo.test"), entry=entry)
    catalogue.product_approve(actor=user("operator@demo.test"), entry=entry)
    return entry


def buy(store, items, *, owner, days_ago, paid=True):
    order = test_returns.place(test_returns.basket_in(store, *items, owner=owner), store, user=owner,
                               date_placed=timezone.now() - timedelta(days=days_ago))
    if paid:
        test_returns.pay(order)
    return order


@pytest.fixture
def harbor_online(demo):
    """Harbor Online priced to the cent, selling from the suppliers' warehouses (the demo gives it its own stock)."""
    Store.objects.filter(slug="harbor-online").update(stock_mode=Store.StockMode.SHARED)
    return exact_prices("harbor-online")


@pytest.fixture
def pat(listed, online, harbor_online):
    kettle()
    list_in(user("harbor@demo.test"), Distributor.objects.get(slug="harbor-goods"), [harbor_online], ["CUS-kettle"],
            PriceRule.SUGGESTED)
    shopper = new_shopper("pat@example.test")
    shopper.orders_placed = {
        "A": buy(online, [("LST-a", 2), ("LST-b", 1)], owner=shopper, days_ago=10),
        "B": buy(harbor_online, [("CUS-kettle", 1)], owner=shopper, days_ago=5),
        "C": buy(online, [("LST-a", 1)], owner=shopper, days_ago=1, paid=False),
    }
    return shopper


def refund_one_tea(order):
    test_returns.deliver(order)
    request = test_returns.ask(order, {"LST-a": 1}, kind=ReturnRequest.Kind.REFUND, by="pat@example.test")
    return returns.return_request_decide(request=request, approve=True, note="", actor=user("operator@demo.test"))


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def cell(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(td|th|div|ul)>', page)
    assert found, f"#{element_id} not on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def local_day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d")


# --- the operator's profile --------------------------------------------------------------------------------------


def test_the_operator_sees_every_store_with_figures_by_hand(pat, signed_in):
    refund_one_tea(pat.orders_placed["A"])
    page = text(signed_in("operator@demo.test").get(reverse("dashboard:mp-customer-detail", args=[pat.pk])))
    orders = pat.orders_placed
    assert cell(page, "order-count") == "3"
    assert cell(page, "paid-order-count") == "2"
    assert "146.00" in cell(page, "spend")
    assert cell(page, "first-purchase").startswith(local_day(orders["A"].date_placed))
    assert cell(page, "last-purchase").startswith(local_day(orders["B"].date_placed))
    categories = cell(page, "categories")
    assert re.search(r"Green tea \(.*74\.00\), Kitchen \(.*50\.00\)$", categories), categories
    assert "1 return request" in cell(page, "returns") and "20.00" in cell(page, "returns")
    assert cell(page, "points") == str(points_balance(user=pat))
    rows = re.findall(r'<tr class="order-row">(.*?)</tr>', page)
    assert [re.search(r">([^<]+)</a>", row).group(1) for row in rows] == [
        str(orders["C"].number), str(orders["B"].number), str(orders["A"].number)]  # newest first
    assert "Harbor Online" in rows[1] and "62.00" in rows[1] and "Sunrise Online" in rows[2] and "84.00" in rows[2]
    assert reverse("dashboard:order-detail", kwargs={"number": orders["A"].number}) in rows[2]
    assert "Pending payment" in rows[0] and "30.00" in rows[0]


def test_viewing_a_profile_is_recorded_as_a_read(pat, signed_in):
    signed_in("operator@demo.test").get(reverse("dashboard:mp-customer-detail", args=[pat.pk]))
    event = AuditEvent.objects.filter(action="read.customer_profile").latest("pk")
    assert event.actor == user("operator@demo.test") and event.target_id == str(pat.pk)


def test_the_operator_finds_a_shopper_by_email_or_name(pat, signed_in):
    client = signed_in("operator@demo.test")
    for search in ("pat@example", "Pat Lee", "lee"):
        page = text(client.get(reverse("dashboard:mp-customer-list"), {"q": search}))
        assert "pat@example.test" in page and "shopper@demo.test" not in page, search
    page = text(client.get(reverse("dashboard:mp-customer-list"), {"q": "nobody-like-this"}))
    assert "No account matches." in page


def test_the_profile_runs_the_same_queries_however_many_orders(pat, online, signed_in):
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-customer-detail", args=[pat.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for days in (3, 2):
        buy(online, [("LST-a", 1)], owner=pat, days_ago=days)
    with CaptureQueriesContext(connection) as more:
        page = text(client.get(url))
    assert cell(page, "order-count") == "5"
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


# --- the distributor's part --------------------------------------------------------------------------------------


def test_a_distributor_sees_only_its_stores_part(pat, signed_in):
    refund_one_tea(pat.orders_placed["A"])
    sunrise = text(signed_in("distributor@demo.test").get(reverse("distributor:customer-detail", args=[pat.pk])))
    assert cell(sunrise, "order-count") == "2"  # A and C; not Harbor's B
    assert "84.00" in cell(sunrise, "spend")
    assert "Kitchen" not in sunrise and "Green tea" in sunrise
    assert str(pat.orders_placed["B"].number) not in sunrise and str(pat.orders_placed["A"].number) in sunrise
    assert cell(sunrise, "returns") == "1" and "20.00" in sunrise
    harbor = text(signed_in("harbor@demo.test").get(reverse("distributor:customer-detail", args=[pat.pk])))
    assert cell(harbor, "order-count") == "1" and "62.00" in cell(harbor, "spend")
    assert cell(harbor, "returns") == "0"
    assert str(pat.orders_placed["A"].number) not in harbor and "Green tea" not in harbor
    event = AuditEvent.objects.filter(action="read.customer_profile", actor=user("harbor@demo.test")).latest("pk")
    assert event.target_id == str(pat.pk)


def test_a_distributor_gets_404_for_a_shopper_of_other_stores_only(pat, harbor_online, signed_in):
    elsewhere = new_shopper("only-harbor@example.test", first="Only", last="Harbor")
    buy(harbor_online, [("CUS-kettle", 1)], owner=elsewhere, days_ago=2)
    client = signed_in("distributor@demo.test")
    assert client.get(reverse("distributor:customer-detail", args=[elsewhere.pk])).status_code == 404
    never = new_shopper("never@example.test")
    assert client.get(reverse("distributor:customer-detail", args=[never.pk])).status_code == 404
    page = text(client.get(reverse("distributor:customer-list"), {"q": "example.test"}))
    assert "pat@example.test" in page and "only-harbor@example.test" not in page
    assert signed_in("harbor@demo.test").get(reverse("distributor:customer-detail", args=[elsewhere.pk])) \
        .status_code == 200


def test_the_distributor_list_runs_fixed_queries(pat, online, signed_in):
    client = signed_in("distributor@demo.test")
    url = reverse("distributor:customer-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    other = new_shopper("second@example.test")
    buy(online, [("LST-a", 1)], owner=other, days_ago=1, paid=False)
    with CaptureQueriesContext(connection) as more:
        page = text(client.get(url))
    assert "second@example.test" in page
    assert len(more) == len(few)


# --- strangers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test",
                                   "shopper@demo.test"])
def test_non_operators_get_404_on_the_operator_pages(email, signed_in):
    client = signed_in(email)
    shopper = user("shopper@demo.test")
    assert client.get(reverse("dashboard:mp-customer-list")).status_code == 404
    assert client.get(reverse("dashboard:mp-customer-detail", args=[shopper.pk])).status_code == 404
    assert client.post(reverse("dashboard:mp-customer-merge", args=[shopper.pk]),
                       {"email": "x@example.test", "confirm": "on"}).status_code == 404
    assert not AuditEvent.objects.filter(action="read.customer_profile", actor=user(email)).exists()


def test_a_shopper_cannot_open_the_distributor_pages(signed_in):
    response = signed_in("shopper@demo.test").get(reverse("distributor:customer-list"))
    assert response.status_code == 403


def test_the_isolation_entries_hold(signed_in):
    """tests/isolation_customers.py (merged by the lead into the sweep): own shopper 200, foreign 404."""
    from tests.isolation_customers import OPERATOR_ENTRIES, PORTAL_ENTRIES

    for name, target in PORTAL_ENTRIES.items():
        client = signed_in(target.actor)
        assert client.get(reverse(name, kwargs=target.own())).status_code == 200
        assert client.get(reverse(name, kwargs=target.foreign())).status_code == 404
    party = signed_in("harbor@demo.test")
    for name, kwargs in OPERATOR_ENTRIES.items():
        assert party.get(reverse(name, kwargs=kwargs())).status_code == 404
        assert party.post(reverse(name, kwargs=kwargs()), {"email": "x@example.test"}).status_code == 404
