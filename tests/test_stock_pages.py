"""Stock pages of the store admin and supplier portals: per-location stock, pool availability, a row's ledger and
its actions (receive, adjust to a count, threshold), all through inventory.services; other parties' rows 404."""

import pytest
from django.urls import reverse

from inventory import selectors, services
from inventory.models import MovementKind, StockMovement
from parties.models import Store, Warehouse
from supplier.models import WarehouseStock
from tests.distribution_helpers import approved_tea, record


@pytest.fixture
def floor_row(demo):
    """A fresh tea SKU on Sunrise's shop floor: 12 on hand."""
    approved_tea()
    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    services.stock_receive(location=floor, items=[(record("LST-a").pk, 12)], actor=None, reason="opening")
    return WarehouseStock.objects.get(warehouse=floor, stockrecord=record("LST-a"))


def test_shop_stock_page_lists_its_floor_with_figures_and_search(floor_row, signed_in):
    client = signed_in("shopstaff@demo.test")
    page = client.get(reverse("storeadmin:stock")).content.decode()
    assert 'data-sku="LST-a"' in page and "Shop floor" in page
    harbor_sku = WarehouseStock.objects.filter(warehouse__store__slug="harbor-online").exclude(
        stockrecord__in=WarehouseStock.objects.filter(warehouse=floor_row.warehouse).values("stockrecord")
    ).values_list("stockrecord__partner_sku", flat=True).first()
    if harbor_sku:
        assert f'data-sku="{harbor_sku}"' not in page
    found = client.get(reverse("storeadmin:stock"), {"q": "LST-a"}).content.decode()
    assert found.count('<li data-sku=') == 1 and "Listing tea" in found
    assert 'data-sku="LST-a"' not in client.get(reverse("storeadmin:stock"), {"q": "no-such-thing"}).content.decode()
    # Another party's location in the picker is a 404, not an empty page.
    harbor = Warehouse.objects.get(store__slug="harbor-online")
    assert client.get(reverse("storeadmin:stock"), {"location": harbor.pk}).status_code == 404


def test_online_store_without_a_floor_sees_pool_availability(demo, signed_in):
    store = Store.objects.get(slug="sunrise-online")
    page = signed_in("storeadmin@demo.test").get(reverse("storeadmin:stock")).content.decode()
    listing = store.listings.select_related("stockrecord").order_by("stockrecord__partner_sku").first()
    free = selectors.available_in(store=store, stockrecord_ids=[listing.stockrecord_id])[listing.stockrecord_id]
    sku = listing.stockrecord.partner_sku
    assert "Read only" in page
    start = page.index(f'data-sku="{sku}"')
    assert f"Available<b>{free}</b>" in page[start:start + 600]


def test_receive_adjust_and_threshold_go_through_the_ledger(floor_row, signed_in):
    client = signed_in("shopstaff@demo.test")
    url = reverse("storeadmin:stock-detail", args=[floor_row.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "receive", "receive-units": "5", "receive-reason": "Delivery 42"})
    assert response.status_code == 302
    floor_row.refresh_from_db()
    assert floor_row.on_hand == 17
    last = StockMovement.objects.filter(stock=floor_row).first()
    assert (last.kind, last.on_hand_delta, last.reason, last.actor.email) == (
        MovementKind.RECEIVE, 5, "Delivery 42", "shopstaff@demo.test")

    # Adjusting needs a reason, and a count cannot be negative: refused, nothing written.
    count = StockMovement.objects.filter(stock=floor_row).count()
    refused = client.post(url, {"action": "adjust", "adjust-counted": "9", "adjust-reason": ""})
    assert refused.status_code == 400 and "Say why the stock is adjusted." in refused.content.decode()
    refused = client.post(url, {"action": "adjust", "adjust-counted": "-1", "adjust-reason": "count"})
    assert refused.status_code == 400 and "A count cannot be negative." in refused.content.decode()
    floor_row.refresh_from_db()
    assert floor_row.on_hand == 17 and StockMovement.objects.filter(stock=floor_row).count() == count

    client.post(url, {"action": "adjust", "adjust-counted": "9", "adjust-reason": "Broken jars"})
    floor_row.refresh_from_db()
    assert floor_row.on_hand == 9
    last = StockMovement.objects.filter(stock=floor_row).first()
    assert (last.kind, last.on_hand_delta, last.on_hand_after, last.reason) == (MovementKind.ADJUST, -8, 9,
                                                                                  "Broken jars")
    client.post(url, {"action": "threshold", "threshold-threshold": "10"})
    floor_row.refresh_from_db()
    assert floor_row.low_stock_threshold == 10
    assert floor_row.alerts.filter(cleared_at__isnull=True).count() == 1  # 9 available <= 10

    page = client.get(url).content.decode()  # the ledger: newest first, with who, why and the figures
    assert page.index("Broken jars") < page.index("Delivery 42") < page.index("opening")
    assert "shopstaff@demo.test" in page and "Low stock since" in page


def test_supplier_stock_page_per_warehouse_paged(demo, signed_in):
    client = signed_in("supplier@demo.test")
    hz = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")
    first = client.get(reverse("supplier:stock"), {"location": hz.pk}).content.decode()
    total = WarehouseStock.objects.filter(warehouse=hz).count()
    assert total > 25 and first.count("<li data-sku=") == 25
    second = client.get(reverse("supplier:stock"), {"location": hz.pk, "page": 2}).content.decode()
    assert second.count("<li data-sku=") == total - 25
    row = WarehouseStock.objects.filter(warehouse=hz).exclude(bin="").order_by("stockrecord__partner_sku").first()
    assert f"bin {row.bin}" in first
    grain = Warehouse.objects.get(supplier__slug="golden-grain")
    assert client.get(reverse("supplier:stock"), {"location": grain.pk}).status_code == 404
    detail = client.get(reverse("supplier:warehouse-detail", args=[hz.pk])).content.decode()
    assert f'{reverse("supplier:stock")}?location={hz.pk}' in detail


def test_other_parties_stock_rows_are_404(floor_row, signed_in):
    url = reverse("storeadmin:stock-detail", args=[floor_row.pk])
    other = signed_in("storeadmin@demo.test")  # Sunrise Online: a sibling store, but not this floor's staff
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "receive", "receive-units": "5"}).status_code == 404
    assert signed_in("supplier@demo.test").get(
        reverse("supplier:stock-detail", args=[floor_row.pk])).status_code == 404
    floor_row.refresh_from_db()
    assert floor_row.on_hand == 12


def test_stock_pages_are_phone_sized(floor_row, signed_in):
    page = signed_in("shopstaff@demo.test").get(reverse("storeadmin:stock-detail", args=[floor_row.pk]))
    html = page.content.decode()
    assert 'name="viewport" content="width=device-width' in html
    assert "min-height: 44px" in html and 'inputmode="numeric"' in html
    assert "<table" not in html  # cards, never a wide table that scrolls sideways at 375 px
