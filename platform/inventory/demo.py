"""Demo stock beyond the supplier warehouses: shop floors and independent stores' stock rooms, bins, thresholds.

Runs after the listings exist and before the demo orders, so those orders draw on these locations too.
Rerunning changes nothing: a location that already has movements is left as it is.
"""

from django.contrib.auth import get_user_model

from distributor.models import Listing
from inventory.services import stock_receive
from parties.models import Store, Warehouse
from supplier.models import WarehouseStock

SHOP_UNITS = 12
SHOP_THRESHOLD = 4
WAREHOUSE_THRESHOLD = 10


def _location_for(store: Store) -> Warehouse:
    if store.channel == Store.Channel.OFFLINE:
        code, name, name_zh = "floor", "Shop floor", "门店货架"
    else:
        code, name, name_zh = "stockroom", "Store stock room", "门店库房"
    location, _created = Warehouse.objects.get_or_create(
        store=store, code=code, defaults={"name": name, "name_zh": name_zh})
    return location


STORES_WITH_OWN_STOCK = ["sunrise-nanjing-road", "maple-pudong", "harbor-online", "maple-kids"]


def load_store_locations() -> None:
    """The shops' floors and the independent stores' stock rooms (also without the catalogues)."""
    for store in Store.objects.filter(slug__in=STORES_WITH_OWN_STOCK).order_by("pk"):
        _location_for(store)


def load_stock_locations() -> None:
    """Stock for those locations: each of them holds SHOP_UNITS of every SKU its store lists."""
    operator = get_user_model().objects.filter(email="operator@demo.test").first()
    for store in Store.objects.filter(slug__in=STORES_WITH_OWN_STOCK).order_by("pk"):
        location = _location_for(store)
        if WarehouseStock.objects.filter(warehouse=location).exists():
            continue
        records = sorted(set(Listing.objects.filter(store=store).values_list("stockrecord_id", flat=True)))
        if records:
            stock_receive(location=location, items=[(pk, SHOP_UNITS) for pk in records], actor=operator,
                          reason="Opening delivery", reference="DEMO")
            WarehouseStock.objects.filter(warehouse=location).update(low_stock_threshold=SHOP_THRESHOLD)
    unbinned = list(WarehouseStock.objects.filter(warehouse__supplier__isnull=False, bin="")
                    .order_by("warehouse_id", "stockrecord__partner_sku"))
    for index, row in enumerate(unbinned):
        row.bin = f"{'ABCD'[index % 4]}-{index // 4 % 20 + 1:02d}"
        if index % 3 == 0:
            row.low_stock_threshold = WAREHOUSE_THRESHOLD
    WarehouseStock.objects.bulk_update(unbinned, ["bin", "low_stock_threshold"], batch_size=500)
