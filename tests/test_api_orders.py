"""API orders and fulfilment groups: each token sees its own part of an order (a store its lines and delivery
charge, a supplier its goods), filters by status and date, ships a group through the portal's own command
(stock leaves, the shopper is told), idempotently; nobody reaches another party's orders or groups."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from notifications.models import Notification
from storefront.models import FulfilmentGroup, ShippingRule
from supplier.models import WarehouseStock
from tests import test_returns
from tests.api_helpers import api_client, demo_store, demo_supplier, error_of, token_key
from tests.distribution_helpers import record
from tests.test_returns import basket_in, pay, place, user

Order = get_model("order", "Order")
Line = get_model("order", "Line")
listed = test_returns.listed  # the fresh tea (LST-a 20.00, LST-b 34.00) listed in Sunrise Online


@pytest.fixture
def placed(listed, online):
    """shopper@demo.test's order in Sunrise Online (delivery 8.00 flat): 2 × LST-a and 1 × LST-b, not paid."""
    ShippingRule.objects.update_or_create(store=online, defaults={"flat_rate": D("8.00"), "free_over": None})
    order = place(basket_in(online, ("LST-a", 2), ("LST-b", 1), owner=user("shopper@demo.test")), online,
                  user=user("shopper@demo.test"))
    return Order.objects.get(pk=order.pk)  # as stored: the number is a string


@pytest.fixture
def store_api(demo):
    return api_client(token_key(demo_store("sunrise-online")))


@pytest.fixture
def supplier_api(demo):
    return api_client(token_key(demo_supplier("green-leaf-tea")))


def lines_of(body) -> list[tuple]:
    return [(row["sku"], row["quantity"], row["unit_price"], row["line_total"]) for row in body["lines"]]


def all_pages(client, url: str) -> list[dict]:
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


# --- what each party sees -----------------------------------------------------------------------------------------


def test_store_token_reads_its_order_with_lines_totals_and_address(placed, store_api):
    body = store_api.get(f"/api/v1/orders/{placed.number}/").json()
    assert lines_of(body) == [("LST-a", 2, "20.00", "40.00"), ("LST-b", 1, "34.00", "34.00")]
    assert (body["items_total"], body["delivery_charge"], body["total"]) == ("74.00", "8.00", "82.00")
    assert body["status"] == "Pending payment" and body["paid_at"] is None
    address = body["shipping_address"]
    assert (address["name"], address["line1"], address["city"], address["postcode"], address["country"]) == (
        "Li Lei", "1 Nanjing Road", "Shanghai", "200001", "CN")
    assert body["fulfilment_groups"] == []  # green-leaf-tea's warehouse ships it, not the store

    pay(placed)
    body = store_api.get(f"/api/v1/orders/{placed.number}/").json()
    assert body["status"] == "Paid" and body["paid_at"] is not None


def test_supplier_token_reads_its_goods_and_the_group_it_ships(placed, supplier_api):
    body = supplier_api.get(f"/api/v1/orders/{placed.number}/").json()
    assert lines_of(body) == [("LST-a", 2, "20.00", "40.00"), ("LST-b", 1, "34.00", "34.00")]
    assert (body["items_total"], body["delivery_charge"], body["total"]) == ("74.00", "0.00", "74.00")
    [group] = body["fulfilment_groups"]
    assert (group["location"], group["status"]) == ("hz", "pending")


def test_supplier_token_sees_only_its_own_lines_of_a_mixed_order(supplier_api):
    green = demo_supplier("green-leaf-tea")
    mixed = (Order.objects.filter(lines__supplier=green).filter(lines__supplier__isnull=False)
             .exclude(lines__supplier=None).distinct())
    order = next(o for o in mixed if o.lines.exclude(supplier=green).exists())
    body = supplier_api.get(f"/api/v1/orders/{order.number}/").json()
    mine = sorted(order.lines.filter(supplier=green).values_list("partner_sku", flat=True))
    assert sorted(row["sku"] for row in body["lines"]) == mine
    assert len(mine) < order.lines.count()
    # and every line of every order listed is its own
    skus = {row["sku"] for page in all_pages(supplier_api, "/api/v1/orders/?page_size=200") for row in page["lines"]}
    others = set(Line.objects.exclude(supplier=green).values_list("partner_sku", flat=True))
    assert skus and not (skus & others)


def test_store_token_never_sees_another_stores_order(store_api):
    online = demo_store("sunrise-online")
    foreign = Order.objects.exclude(lines__store=online).order_by("pk").first()
    response = store_api.get(f"/api/v1/orders/{foreign.number}/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    numbers = {row["number"] for row in all_pages(store_api, "/api/v1/orders/?page_size=200")}
    assert foreign.number not in numbers
    assert numbers == set(Order.objects.filter(lines__store=online).values_list("number", flat=True))


def test_orders_filter_by_status_and_placed_dates(placed, store_api):
    pay(placed)
    paid = {row["number"] for row in all_pages(store_api, "/api/v1/orders/?status=Paid&page_size=200")}
    assert placed.number in paid
    online = demo_store("sunrise-online")
    assert paid == set(Order.objects.filter(lines__store=online, status="Paid").values_list("number", flat=True))
    pending = {row["number"] for row in all_pages(store_api, "/api/v1/orders/?status=Pending+payment")}
    assert placed.number not in pending

    moment = placed.date_placed.isoformat().replace("+", "%2B")
    after = all_pages(store_api, f"/api/v1/orders/?placed_after={moment}")
    assert [row["number"] for row in after] == [placed.number]
    before = {row["number"] for row in all_pages(store_api, f"/api/v1/orders/?placed_before={moment}&page_size=200")}
    assert placed.number not in before and before  # the demo's earlier orders
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert placed.number in {row["number"] for row in all_pages(
        store_api, f"/api/v1/orders/?placed_before={tomorrow}&status=Paid&page_size=200")}


@pytest.mark.parametrize("query, field", [("status=Shipped-ish", "status"), ("placed_after=yesterday", "placed_after"),
                                          ("placed_before=2026-13-45", "placed_before")])
def test_a_bad_filter_is_a_400_naming_it(store_api, query, field):
    response = store_api.get(f"/api/v1/orders/?{query}")
    assert response.status_code == 400
    error = error_of(response)
    assert error["message"].startswith(f"{field}:") and field in error["details"]


def test_order_list_runs_a_fixed_number_of_queries(store_api):
    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = store_api.get(f"/api/v1/orders/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        return len(queries)

    store_api.get("/api/v1/orders/?page_size=1")  # the token's first use writes last_used_at
    assert count(2) == count(20) <= 10


def test_group_list_runs_a_fixed_number_of_queries(supplier_api):
    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = supplier_api.get(f"/api/v1/fulfilment-groups/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        return len(queries)

    supplier_api.get("/api/v1/fulfilment-groups/?page_size=1")
    assert count(2) == count(20) <= 10


# --- fulfilment groups and shipping ---------------------------------------------------------------------------------


def group_of(order) -> FulfilmentGroup:
    [group] = FulfilmentGroup.objects.filter(order=order)
    return group


def stock(group, sku) -> tuple[int, int]:
    row = WarehouseStock.objects.get(warehouse=group.warehouse_id, stockrecord=record(sku))
    return row.on_hand, row.allocated


def test_groups_list_is_the_suppliers_own_and_filters_by_status(placed, supplier_api, store_api):
    group = group_of(placed)
    green = demo_supplier("green-leaf-tea")
    listed_ids = {row["id"] for row in all_pages(supplier_api, "/api/v1/fulfilment-groups/?status=open&page_size=200")}
    assert group.pk in listed_ids
    assert not FulfilmentGroup.objects.filter(pk__in=listed_ids).exclude(warehouse__supplier=green).exists()
    delivered = all_pages(supplier_api, "/api/v1/fulfilment-groups/?status=delivered&page_size=200")
    assert delivered and {row["status"] for row in delivered} == {"delivered"}
    assert group.pk not in {row["id"] for row in delivered}

    body = supplier_api.get(f"/api/v1/fulfilment-groups/{group.pk}/").json()
    assert [(row["sku"], row["quantity"], row["shipped"], row["remaining"]) for row in body["lines"]] == [
        ("LST-a", 2, 0, 2), ("LST-b", 1, 0, 1)]
    assert body["order"] == placed.number and body["shipping_address"]["city"] == "Shanghai"
    assert store_api.get(f"/api/v1/fulfilment-groups/{group.pk}/").status_code == 404
    assert store_api.get("/api/v1/fulfilment-groups/?status=Nope").status_code == 400


def test_ship_part_then_the_rest_moves_stock_and_tells_the_shopper(placed, supplier_api):
    pay(placed)
    group = group_of(placed)
    a_line = group.lines.get(line__partner_sku="LST-a")
    assert stock(group, "LST-a") == (5, 2)

    response = supplier_api.post(f"/api/v1/fulfilment-groups/{group.pk}/ship/", {
        "carrier": "SF Express", "tracking_number": "SF1001", "quantities": [{"line": a_line.pk, "quantity": 1}]},
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "packed" and [p["tracking_number"] for p in body["parcels"]] == ["SF1001"]
    assert [(row["sku"], row["shipped"], row["remaining"]) for row in body["lines"]] == [
        ("LST-a", 1, 1), ("LST-b", 0, 1)]
    assert stock(group, "LST-a") == (4, 1)

    response = supplier_api.post(f"/api/v1/fulfilment-groups/{group.pk}/ship/",
                                 {"carrier": "SF Express", "tracking_number": "SF1002"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "shipped"
    assert stock(group, "LST-a") == (3, 0) and stock(group, "LST-b") == (1, 0)
    told = Notification.objects.filter(user=user("shopper@demo.test"), event__kind="order.shipped",
                                      event__params__number=placed.number)
    assert sorted(n.event.params["tracking"] for n in told) == ["SF1001", "SF1002"]


def test_ship_refusals_answer_the_services_message_and_write_nothing(placed, supplier_api, demo):
    group = group_of(placed)
    url = f"/api/v1/fulfilment-groups/{group.pk}/ship/"
    response = supplier_api.post(url, {"carrier": "SF Express", "tracking_number": " "}, format="json")
    assert response.status_code == 400
    assert error_of(response)["message"] == "Enter the parcel's tracking number."
    response = supplier_api.post(url, {"carrier": "SF", "tracking_number": "X1",
                                       "quantities": [{"line": group.lines.get(line__partner_sku="LST-a").pk,
                                                                      "quantity": 9}]},
                                 format="json")
    assert response.status_code == 400 and "You can ship at most 2 of" in error_of(response)["message"]
    assert stock(group, "LST-a") == (5, 2) and not group.parcels.exists()

    assert supplier_api.post(url, {"carrier": "SF", "tracking_number": "X2"}, format="json").status_code == 201
    response = supplier_api.post(url, {"carrier": "SF", "tracking_number": "X3"}, format="json")
    assert response.status_code == 400 and "was already shipped in full" in error_of(response)["message"]
    assert group.parcels.count() == 1

    read_only = api_client(token_key(demo_supplier("green-leaf-tea"), access="read"))
    response = read_only.post(url, {"carrier": "SF", "tracking_number": "X4"}, format="json")
    assert response.status_code == 403 and "may only read" in error_of(response)["message"]


def test_ship_is_idempotent_with_a_key(placed, supplier_api):
    group = group_of(placed)
    url = f"/api/v1/fulfilment-groups/{group.pk}/ship/"
    body = {"carrier": "SF Express", "tracking_number": "SF2001"}
    first = supplier_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-ship-1")
    again = supplier_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-ship-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert group.parcels.count() == 1 and stock(group, "LST-a") == (3, 0)
    other = supplier_api.post(url, {**body, "tracking_number": "SF2002"}, format="json",
                              HTTP_IDEMPOTENCY_KEY="erp-ship-1")
    assert other.status_code == 409 and error_of(other)["code"] == "idempotency_key_reused"


def test_a_store_token_cannot_ship_a_suppliers_group(placed, store_api):
    group = group_of(placed)
    response = store_api.post(f"/api/v1/fulfilment-groups/{group.pk}/ship/",
                              {"carrier": "SF", "tracking_number": "X9"}, format="json")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert not group.parcels.exists() and stock(group, "LST-a") == (5, 2)


def test_another_suppliers_token_cannot_read_or_ship_the_group(placed, demo):
    group = group_of(placed)
    grain = api_client(token_key(demo_supplier("golden-grain")))
    assert grain.get(f"/api/v1/fulfilment-groups/{group.pk}/").status_code == 404
    assert grain.get(f"/api/v1/orders/{placed.number}/").status_code == 404
    response = grain.post(f"/api/v1/fulfilment-groups/{group.pk}/ship/", {"carrier": "SF", "tracking_number": "X"},
                          format="json")
    assert response.status_code == 404 and not group.parcels.exists()

