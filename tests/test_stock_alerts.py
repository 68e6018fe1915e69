"""Low-stock alerts (raised once when available units cross down to the threshold, cleared once back above) and
the "To reorder" view's days of cover at the last 30 days' sales rate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from inventory import selectors, services
from inventory.models import MovementKind, StockAlert
from parties.models import Store, Warehouse
from parties.scoping import Scope
from supplier.models import WarehouseStock
from tests.distribution_helpers import approved_tea, record


@pytest.fixture
def floor_tea(demo):
    """Both fresh tea SKUs on Sunrise's shop floor, 12 units each, threshold 4."""
    approved_tea()
    floor = Warehouse.objects.get(store__slug="sunrise-nanjing-road", code="floor")
    skus = [record("LST-a"), record("LST-b")]
    services.stock_receive(location=floor, items=[(sku.pk, 12) for sku in skus], actor=None, reason="opening")
    rows = [WarehouseStock.objects.get(warehouse=floor, stockrecord=sku) for sku in skus]
    for row in rows:
        services.stock_threshold_set(stock=row, threshold=4, actor=None)
    return rows


def move(row, kind, *, on_hand=0, allocated=0, days_ago=0):
    with transaction.atomic():
        locked = services.stock_rows_lock(pairs={(row.warehouse_id, row.stockrecord_id)})[
            (row.warehouse_id, row.stockrecord_id)]
        services.stock_moves_apply(moves=[services.Move(stock=locked, kind=kind, on_hand=on_hand,
                                                        allocated=allocated)],
                                   at=timezone.now() - timedelta(days=days_ago))


def test_crossing_down_raises_exactly_one_alert_and_back_up_clears_it(floor_tea):
    row = floor_tea[0]
    assert not StockAlert.objects.filter(stock=row).exists()
    services.stock_adjust(stock=row, counted=5, actor=None, reason="count")  # 5 > 4: no alert yet
    assert not StockAlert.objects.filter(stock=row).exists()
    move(row, MovementKind.SALE, on_hand=-1)  # 4: crosses down
    alert = StockAlert.objects.get(stock=row)
    assert (alert.available, alert.threshold, alert.cleared_at) == (4, 4, None)
    assert AuditEvent.objects.filter(action="stock.alert_raised", target_id=str(row.pk)).count() == 1
    move(row, MovementKind.ALLOCATE, allocated=2)  # lower still: the same alert stays, no second one
    move(row, MovementKind.SALE, on_hand=-1)
    assert StockAlert.objects.filter(stock=row).count() == 1
    services.stock_row_receive(stock=row, units=10, actor=None, reason="delivery")  # 11 available: cleared
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert not StockAlert.objects.filter(stock=row, cleared_at__isnull=True).exists()
    services.stock_adjust(stock=row, counted=2, actor=None, reason="breakage")  # down again: a new one
    assert StockAlert.objects.filter(stock=row).count() == 2
    assert StockAlert.objects.filter(stock=row, cleared_at__isnull=True).count() == 1


def test_alerts_page_lists_open_alerts_first(floor_tea, signed_in):
    a, b = floor_tea
    services.stock_adjust(stock=a, counted=3, actor=None, reason="count")
    services.stock_row_receive(stock=a, units=20, actor=None, reason="delivery")  # a: cleared
    services.stock_adjust(stock=b, counted=1, actor=None, reason="count")  # b: open, raised later
    page = signed_in("shopstaff@demo.test").get(reverse("storeadmin:stock-alerts")).content.decode()
    open_at, cleared_at = page.find('data-open="yes"'), page.find('data-open="no"')
    assert -1 < open_at < cleared_at
    assert page.find("LST-b") < page.find("LST-a")
    assert "LST-b" not in signed_in("storeadmin@demo.test").get(reverse("storeadmin:stock-alerts")).content.decode()


def test_days_of_cover_is_available_over_the_30_day_sales_rate(floor_tea):
    a, b = floor_tea
    move(a, MovementKind.SALE, on_hand=-6, days_ago=5)  # in the window
    move(a, MovementKind.ALLOCATE, allocated=3, days_ago=20)  # an online order from this floor: counts
    move(a, MovementKind.RECEIVE, on_hand=0, days_ago=1)  # not a sale
    move(a, MovementKind.SALE, on_hand=-1, days_ago=45)  # too old
    # a: on hand 12-6-1=5, allocated 3 → 2 available; sold in 30 days 9 → 0.3/day → 6.7 days
    services.stock_adjust(stock=b, counted=3, actor=None, reason="count")  # b: 3 available, nothing sold
    scope = Scope.for_party(Store.objects.get(slug="sunrise-nanjing-road"))
    rows = {row.stockrecord.partner_sku: row for row in selectors.reorder_rows(scope=scope)}
    assert (rows["LST-a"].sold_30, rows["LST-a"].days_cover) == (9, Decimal("6.7"))
    assert (rows["LST-b"].sold_30, rows["LST-b"].days_cover) == (0, None)
    ordered = [row.stockrecord.partner_sku for row in selectors.reorder_rows(scope=scope)]
    assert ordered.index("LST-a") < ordered.index("LST-b")  # nothing sold: listed after any real cover
    assert selectors.days_of_cover(0, 30) == Decimal("0.0")
    assert selectors.days_of_cover(10, 3) == Decimal("100.0")


def test_reorder_page_shows_cover_and_a_dash_when_nothing_sold(floor_tea, signed_in):
    a, b = floor_tea
    move(a, MovementKind.SALE, on_hand=-9, days_ago=3)  # 3 available, 9 sold → 10.0 days
    services.stock_adjust(stock=b, counted=4, actor=None, reason="count")
    page = signed_in("shopstaff@demo.test").get(reverse("storeadmin:stock-reorder")).content.decode()
    a_at, b_at = page.find('data-sku="LST-a"'), page.find('data-sku="LST-b"')
    assert -1 < a_at < b_at
    assert "<b data-cover>10.0</b>" in page[a_at:b_at]
    assert "<b data-cover>—</b>" in page[b_at:]
    # Another store's staff does not see the shop floor's rows.
    other = signed_in("storeadmin@demo.test").get(reverse("storeadmin:stock-reorder")).content.decode()
    assert 'data-sku="LST-a"' not in other


def test_supplier_reorder_lists_its_warehouses_rows_below_threshold(demo, signed_in):
    approved_tea()
    hz = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")
    row = WarehouseStock.objects.get(warehouse=hz, stockrecord=record("LST-b"))  # 2 on hand
    services.stock_threshold_set(stock=row, threshold=5, actor=None)
    assert StockAlert.objects.filter(stock=row, cleared_at__isnull=True).count() == 1
    page = signed_in("supplier@demo.test").get(reverse("supplier:stock-reorder")).content.decode()
    assert 'data-sku="LST-b" data-location="hz"' in page
    assert 'data-sku="LST-b"' not in signed_in("grain@demo.test").get(
        reverse("supplier:stock-reorder")).content.decode()
