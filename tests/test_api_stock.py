"""Stock through the API: levels at the token's locations only; bulk set/adjust all or nothing with every bad row
named; idempotency keys; the ledger names the token; write/read/revoked/other-party refusals; rate limit per token."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from api.models import ApiToken
from api.throttling import TokenRateThrottle
from inventory.models import StockMovement
from parties.models import Warehouse
from supplier.models import WarehouseStock
from tests.api_helpers import api_client, demo_store, demo_supplier, error_of, token_key

pytestmark = pytest.mark.django_db

BULK = "/api/v1/stock/bulk/"


def tea_rows(code="hz", count=2):
    """Stock rows of green-leaf-tea's warehouse `code`, as (row, sku)."""
    rows = list(WarehouseStock.objects.filter(warehouse__supplier__slug="green-leaf-tea", warehouse__code=code)
                .select_related("stockrecord", "warehouse").order_by("pk")[:count])
    assert len(rows) == count
    return rows


def grain_sku():
    return WarehouseStock.objects.filter(warehouse__supplier__slug="golden-grain").select_related(
        "stockrecord").first().stockrecord.partner_sku


def levels(rows):
    return [WarehouseStock.objects.get(pk=row.pk).on_hand for row in rows]


def test_levels_list_only_the_tokens_locations(demo):
    client = api_client(token_key(demo_supplier()))
    body = client.get("/api/v1/stock/", {"page_size": 500}).json()
    tea_locations = set(Warehouse.objects.filter(supplier__slug="green-leaf-tea").values_list("pk", flat=True))
    assert body["results"] and {row["location"] for row in body["results"]} <= tea_locations
    row = tea_rows()[0]
    one = client.get("/api/v1/stock/", {"location": row.warehouse_id, "sku": row.stockrecord.partner_sku}).json()
    assert [(r["id"], r["on_hand"], r["allocated"], r["available"]) for r in one["results"]] == [
        (row.pk, row.on_hand, row.allocated, max(row.on_hand - row.allocated, 0))]
    grain_row = WarehouseStock.objects.filter(warehouse__supplier__slug="golden-grain").first()
    assert client.get(f"/api/v1/stock/{row.pk}/").json()["on_hand"] == row.on_hand
    refused = client.get(f"/api/v1/stock/{grain_row.pk}/")
    assert refused.status_code == 404 and error_of(refused)["code"] == "not_found"


def test_bulk_set_writes_levels_and_ledger_naming_the_token(demo):
    supplier = demo_supplier()
    key = token_key(supplier, name="Tea ERP")
    token = ApiToken.objects.get(prefix=key.split("_")[1])
    a, b = tea_rows()
    record_total = a.stockrecord.num_in_stock
    response = api_client(key).post(BULK, {
        "location": a.warehouse_id, "mode": "set", "reason": "Nightly sync",
        "items": [{"sku": a.stockrecord.partner_sku, "quantity": a.on_hand + 40},
                  {"sku": b.stockrecord.partner_sku, "quantity": b.on_hand}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"location": a.warehouse_id, "mode": "set", "rows": 2, "changed": 1, "unchanged": 1}
    assert levels([a, b]) == [a.on_hand + 40, b.on_hand]
    a.stockrecord.refresh_from_db()
    assert a.stockrecord.num_in_stock == record_total + 40
    movement = StockMovement.objects.filter(stock=a).latest("pk")
    assert movement.on_hand_delta == 40 and movement.on_hand_after == a.on_hand + 40
    assert movement.actor == token.created_by
    assert "Nightly sync" in movement.reason and "Tea ERP" in movement.reason and token.prefix in movement.reason
    assert movement.reference == f"api:{token.prefix}"


def test_one_bad_row_refuses_the_batch_naming_every_bad_row(demo):
    a, b = tea_rows()
    before = levels([a, b])
    movements = StockMovement.objects.count()
    response = api_client(token_key(demo_supplier())).post(BULK, {
        "location": a.warehouse_id, "mode": "set", "reason": "sync",
        "items": [{"sku": a.stockrecord.partner_sku, "quantity": 5},
                  {"sku": "NO-SUCH-SKU", "quantity": 1},
                  {"sku": grain_sku(), "quantity": 1},
                  {"sku": a.stockrecord.partner_sku, "quantity": 6},
                  {"sku": b.stockrecord.partner_sku, "quantity": -1},
                  {"sku": b.stockrecord.partner_sku, "quantity": "many"}]}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    rows = {row["row"]: row for row in error["details"]["rows"]}
    assert sorted(rows) == [1, 2, 3, 4, 5]
    assert "NO-SUCH-SKU" in rows[1]["message"] and rows[2]["sku"] == grain_sku()
    assert "in your catalogue" in rows[2]["message"]
    assert "already in row 0" in rows[3]["message"]
    assert "below zero" in rows[4]["message"] and "whole number" in rows[5]["message"]
    assert "Nothing was changed" in error["message"]
    assert levels([a, b]) == before and StockMovement.objects.count() == movements


def test_adjust_adds_and_takes_but_never_below_zero(demo):
    a, b = tea_rows()
    client = api_client(token_key(demo_supplier()))
    movements = StockMovement.objects.count()
    refused = client.post(BULK, {"location": a.warehouse_id, "mode": "adjust", "reason": "breakage", "items": [
        {"sku": a.stockrecord.partner_sku, "quantity": 3},
        {"sku": b.stockrecord.partner_sku, "quantity": -(b.on_hand + 1)}]}, format="json")
    assert refused.status_code == 400
    [row] = error_of(refused)["details"]["rows"]
    assert row == {"row": 1, "sku": b.stockrecord.partner_sku,
                   "message": f"Only {b.on_hand} on hand; taking {b.on_hand + 1} would leave -1."}
    assert levels([a, b]) == [a.on_hand, b.on_hand] and StockMovement.objects.count() == movements
    done = client.post(BULK, {"location": a.warehouse_id, "mode": "adjust", "reason": "breakage", "items": [
        {"sku": a.stockrecord.partner_sku, "quantity": 3},
        {"sku": b.stockrecord.partner_sku, "quantity": -b.on_hand}]}, format="json")
    assert done.status_code == 200 and done.json()["changed"] == 2
    assert levels([a, b]) == [a.on_hand + 3, 0]


def test_other_partys_location_read_token_and_revoked_token_are_refused(demo):
    a, _b = tea_rows()
    grain_location = Warehouse.objects.get(supplier__slug="golden-grain", code="zz")
    body = {"location": grain_location.pk, "mode": "set", "reason": "x",
            "items": [{"sku": a.stockrecord.partner_sku, "quantity": 1}]}
    movements = StockMovement.objects.count()
    foreign = api_client(token_key(demo_supplier())).post(BULK, body, format="json")
    assert foreign.status_code == 400 and "among yours" in error_of(foreign)["message"]
    store = api_client(token_key(demo_store("sunrise-nanjing-road"))).post(
        BULK, {**body, "location": a.warehouse_id}, format="json")
    assert store.status_code == 400 and "location" in error_of(store)["details"]
    read = api_client(token_key(demo_supplier(), access="read")).post(
        BULK, {**body, "location": a.warehouse_id}, format="json")
    assert read.status_code == 403 and "may only read" in error_of(read)["message"]
    key = token_key(demo_supplier())
    ApiToken.objects.filter(prefix=key.split("_")[1]).update(revoked_at="2026-01-01T00:00:00Z")
    revoked = api_client(key).post(BULK, {**body, "location": a.warehouse_id}, format="json")
    assert revoked.status_code == 401 and error_of(revoked)["code"] == "authentication_failed"
    assert api_client().get("/api/v1/stock/").status_code == 401
    assert levels([a]) == [a.on_hand] and StockMovement.objects.count() == movements


def test_store_token_sets_its_own_floor_from_its_listings(demo):
    store = demo_store("sunrise-nanjing-road")
    floor = Warehouse.objects.get(store=store)
    row = WarehouseStock.objects.filter(warehouse=floor).select_related("stockrecord").first()
    client = api_client(token_key(store))
    response = client.post(BULK, {"location": floor.pk, "mode": "adjust", "reason": "delivery",
                                  "items": [{"sku": row.stockrecord.partner_sku, "quantity": 2}]}, format="json")
    assert response.status_code == 200, response.json()
    assert levels([row]) == [row.on_hand + 2]
    listed = client.get("/api/v1/stock/", {"page_size": 500}).json()["results"]
    assert {r["location"] for r in listed} == {floor.pk}


def test_idempotency_key_replays_and_refuses_another_body(demo):
    a, _b = tea_rows()
    client = api_client(token_key(demo_supplier()))
    body = {"location": a.warehouse_id, "mode": "adjust", "reason": "delivery",
            "items": [{"sku": a.stockrecord.partner_sku, "quantity": 5}]}
    first = client.post(BULK, body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-0042")
    movements = StockMovement.objects.count()
    again = client.post(BULK, body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-0042")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert levels([a]) == [a.on_hand + 5] and StockMovement.objects.count() == movements
    other = client.post(BULK, {**body, "items": [{"sku": a.stockrecord.partner_sku, "quantity": 6}]},
                        format="json", HTTP_IDEMPOTENCY_KEY="delivery-0042")
    assert other.status_code == 409 and error_of(other)["code"] == "idempotency_key_reused"
    assert levels([a]) == [a.on_hand + 5]
    fresh = client.post(BULK, body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-0043")
    assert fresh.status_code == 200 and levels([a]) == [a.on_hand + 10]


def test_rate_limit_is_per_token(demo, monkeypatch):
    rates = {"token": "2/min"}
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", rates)  # DRF copies the setting at import
    cache.clear()
    try:
        with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
            busy = api_client(token_key(demo_supplier()))
            assert [busy.get("/api/v1/stock/").status_code for _ in range(2)] == [200, 200]
            limited = busy.get("/api/v1/stock/")
            assert limited.status_code == 429
            assert int(limited.headers["Retry-After"]) > 0
            assert error_of(limited)["details"]["retry_after"] > 0
            assert api_client(token_key(demo_supplier())).get("/api/v1/stock/").status_code == 200
    finally:
        cache.clear()
