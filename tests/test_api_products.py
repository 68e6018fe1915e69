"""Products through the API: a supplier's own catalogue (prices, floor, stock per location) and its edits through the
catalogue services (review workflow kept); a store's listings with its prices and available units; filters, cursor
pages and a fixed query count whatever the page size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from distributor.models import Listing
from inventory.selectors import available_in
from parties.models import Warehouse
from supplier.models import ReviewState, SupplierProduct, WarehouseStock
from tests.api_helpers import api_client, demo_store, demo_supplier, error_of, token_key

pytestmark = pytest.mark.django_db


def approved_entry(slug="green-leaf-tea"):
    return (SupplierProduct.objects.filter(supplier__slug=slug, state=ReviewState.APPROVED, on_shelf=True)
            .select_related("product").order_by("pk").first())


def first_record(entry):
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    return (StockRecord.objects.filter(product__parent_id=entry.product_id) | StockRecord.objects.filter(
        product_id=entry.product_id)).order_by("pk").first()


def test_supplier_sees_only_its_products_with_prices_and_stock(demo):
    supplier = demo_supplier()
    client = api_client(token_key(supplier, access="read"))
    body = client.get("/api/v1/products/", {"page_size": 500}).json()
    ids = {item["id"] for item in body["results"]}
    assert ids == set(SupplierProduct.objects.filter(supplier=supplier).values_list("pk", flat=True))
    entry = approved_entry()
    record = first_record(entry)
    item = client.get(f"/api/v1/products/{entry.pk}/").json()
    variant = next(v for v in item["variants"] if v["sku"] == record.partner_sku)
    assert variant["wholesale_price"] == f"{record.wholesale_price:.2f}"
    assert variant["retail_floor"] == f"{record.min_retail_price:.2f}"
    assert variant["suggested_retail_price"] == f"{record.price:.2f}"
    expected = {(row.warehouse.code, row.on_hand) for row in WarehouseStock.objects.filter(
        stockrecord=record, warehouse__supplier=supplier).select_related("warehouse")}
    assert {(s["location_code"], s["on_hand"]) for s in variant["stock"]} == expected
    assert item["state"] == "approved"
    foreign = client.get(f"/api/v1/products/{approved_entry('golden-grain').pk}/")
    assert foreign.status_code == 404 and error_of(foreign)["code"] == "not_found"


def test_filters_and_cursor_pages(demo):
    client = api_client(token_key(demo_supplier()))
    entry = approved_entry()
    record = first_record(entry)
    assert [i["id"] for i in client.get("/api/v1/products/", {"sku": record.partner_sku}).json()["results"]] == [
        entry.pk]
    word = entry.product.title.split()[-1]
    assert entry.pk in [i["id"] for i in client.get("/api/v1/products/", {"q": word}).json()["results"]]
    assert client.get("/api/v1/products/", {"updated_since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    bad = client.get("/api/v1/products/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in error_of(bad)["details"]
    first = client.get("/api/v1/products/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}


@pytest.mark.parametrize("party", ["supplier", "store"])
def test_product_list_query_count_does_not_grow_with_page_size(demo, party):
    client = api_client(token_key(demo_supplier() if party == "supplier" else demo_store()))
    client.get("/api/v1/products/", {"page_size": 1})  # the token's first use is recorded once
    counts, sizes = {}, {}
    for size in (2, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/products/", {"page_size": size})
        assert response.status_code == 200
        counts[size], sizes[size] = len(queries), len(response.json()["results"])
    assert sizes[2] == 2 and sizes[50] > 10, sizes
    assert counts[2] == counts[50] <= 12, counts


def test_supplier_updates_prices_and_review_workflow_applies(demo):
    entry = approved_entry()
    record = first_record(entry)
    client = api_client(token_key(demo_supplier()))
    new_wholesale = (record.wholesale_price + Decimal("0.01")).quantize(Decimal("0.01"))
    assert new_wholesale <= record.min_retail_price
    response = client.patch(f"/api/v1/products/{entry.pk}/", {"variants": [
        {"sku": record.partner_sku, "wholesale_price": str(new_wholesale)}]}, format="json")
    assert response.status_code == 200, response.json()
    record.refresh_from_db()
    entry.refresh_from_db()
    assert record.wholesale_price == new_wholesale and entry.state == ReviewState.APPROVED
    assert next(v for v in response.json()["variants"] if v["sku"] == record.partner_sku)[
        "wholesale_price"] == f"{new_wholesale:.2f}"
    renamed = client.patch(f"/api/v1/products/{entry.pk}/", {"title": "Renamed by the ERP"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["state"] == "submitted"
    entry.refresh_from_db()
    assert entry.product.title == "Renamed by the ERP" and entry.state == ReviewState.SUBMITTED


def test_bad_or_forbidden_updates_change_nothing(demo):
    entry = approved_entry()
    record = first_record(entry)
    before = (record.wholesale_price, record.min_retail_price)
    client = api_client(token_key(demo_supplier()))
    below = client.patch(f"/api/v1/products/{entry.pk}/", {"variants": [
        {"sku": record.partner_sku, "retail_floor": str(record.wholesale_price - Decimal("0.01"))}]}, format="json")
    assert below.status_code == 400 and "below the wholesale price" in error_of(below)["message"]
    unknown = client.patch(f"/api/v1/products/{entry.pk}/", {"variants": [{"sku": "NOPE", "wholesale_price": "1"}]},
                           format="json")
    assert unknown.status_code == 400 and "NOPE" in error_of(unknown)["message"]
    grain = approved_entry("golden-grain")
    assert client.patch(f"/api/v1/products/{grain.pk}/", {"title": "Mine now"}, format="json").status_code == 404
    read = api_client(token_key(demo_supplier(), access="read")).patch(
        f"/api/v1/products/{entry.pk}/", {"title": "x"}, format="json")
    assert read.status_code == 403
    store = api_client(token_key(demo_store())).patch(f"/api/v1/products/{entry.pk}/", {"title": "x"}, format="json")
    assert store.status_code == 403 and "supplier" in error_of(store)["message"]
    record.refresh_from_db()
    entry.refresh_from_db()
    grain.refresh_from_db()
    assert (record.wholesale_price, record.min_retail_price) == before
    assert entry.state == ReviewState.APPROVED and grain.product.title != "Mine now"


def test_store_sees_its_listings_with_its_prices_and_available_units(demo):
    store = demo_store()
    client = api_client(token_key(store, access="read"))
    body = client.get("/api/v1/products/", {"page_size": 500}).json()
    listed = set(Listing.objects.filter(store=store).values_list("entry_id", flat=True))
    assert {item["id"] for item in body["results"]} == listed
    listing = Listing.objects.filter(store=store, is_paused=False, flag="").select_related("stockrecord").first()
    sku = listing.stockrecord.partner_sku
    item = client.get(f"/api/v1/products/{listing.entry_id}/").json()
    variant = next(v for v in item["variants"] if v["sku"] == sku)
    assert variant["price"] == f"{listing.price:.2f}"
    before = variant["available"]
    assert before == available_in(store=store, stockrecord_ids=[listing.stockrecord_id]).get(
        listing.stockrecord_id, 0)
    # the supplier pushes 7 more units into its warehouse: the store (shared pool) offers 7 more
    supplier = listing.entry.supplier
    warehouse = Warehouse.objects.filter(supplier=supplier).order_by("pk").first()
    pushed = api_client(token_key(supplier)).post("/api/v1/stock/bulk/", {
        "location": warehouse.pk, "mode": "adjust", "reason": "delivery", "items": [{"sku": sku, "quantity": 7}]},
        format="json")
    assert pushed.status_code == 200, pushed.json()
    again = client.get(f"/api/v1/products/{listing.entry_id}/").json()
    assert next(v for v in again["variants"] if v["sku"] == sku)["available"] == before + 7
    not_listed = SupplierProduct.objects.exclude(pk__in=listed).first()
    assert client.get(f"/api/v1/products/{not_listed.pk}/").status_code == 404
