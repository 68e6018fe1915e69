"""Availability of a store's many SKUs across many stock locations costs a fixed number of queries, and counts
the right pool: a shared store sells from the supplier warehouses plus its shared siblings' own stock, an
independent store only from its own.

Sizes: 20 SKUs x 2 locations, then grown to the issue's 10,000 SKUs x 20 locations (200,000 stock rows, built
with bulk inserts in about 15 s): the count must not grow with either dimension.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from distributor.models import Listing
from inventory.selectors import available_in
from inventory.services import stock_allocate
from parties.models import Distributor, Store, Supplier, Warehouse
from supplier.models import ReviewState, SupplierProduct, WarehouseStock

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")


def units(sku: int, location: int) -> tuple[int, int]:
    """(on hand, allocated) of SKU index `sku` at location index `location`; some rows over-allocated."""
    on_hand = (sku * 7 + location * 3) % 11
    allocated = (sku + location) % 4
    return on_hand, allocated


class World:
    """A supplier with its warehouses, a distributor with two shared stores and an independent one."""

    def __init__(self):
        partner = Partner.objects.create(name="Count Tea", code="count-tea")
        self.supplier = Supplier.objects.create(slug="count-tea", name="Count Tea", partner=partner)
        self.distributor = Distributor.objects.create(slug="count-retail", name="Count Retail")
        self.shared = Store.objects.create(slug="count-shared", name="Count Shared", distributor=self.distributor)
        self.sibling = Store.objects.create(slug="count-sibling", name="Count Sibling", distributor=self.distributor,
                                            channel=Store.Channel.OFFLINE)
        self.independent = Store.objects.create(slug="count-own", name="Count Own", distributor=self.distributor,
                                                stock_mode=Store.StockMode.INDEPENDENT)
        self.tea = ProductClass.objects.create(name="Count tea", slug="count-tea", track_stock=True)
        self.records: list = []
        self.locations: list[Warehouse] = []

    def location(self, index: int) -> Warehouse:
        """Location i: its own stock for each store in turn among the first three, then supplier warehouses."""
        holder = [{"store": self.shared}, {"store": self.sibling}, {"store": self.independent}]
        kwargs = holder[index] if index < 3 else {"supplier": self.supplier}
        return Warehouse.objects.create(code=f"loc{index}", name=f"Location {index}", **kwargs)

    def grow(self, skus: int, locations: int) -> None:
        start = len(self.records)
        products = Product.objects.bulk_create([
            Product(structure=Product.STANDALONE, title=f"Count tea {n}", product_class=self.tea, is_public=True)
            for n in range(start, skus)])
        entries = SupplierProduct.objects.bulk_create([
            SupplierProduct(product=product, supplier=self.supplier, state=ReviewState.APPROVED, on_shelf=True)
            for product in products])
        records = StockRecord.objects.bulk_create([
            StockRecord(product=product, partner=self.supplier.partner, partner_sku=f"COUNT-{n:05d}",
                        price_currency="CNY", price=Decimal("30.00"), wholesale_price=Decimal("10.00"))
            for n, product in enumerate(products, start=start)])
        Listing.objects.bulk_create([
            Listing(store=store, entry=entry, stockrecord=record, price=Decimal("30.00"))
            for store in (self.shared, self.sibling, self.independent)
            for entry, record in zip(entries, records, strict=True)])
        self.records += records
        self.locations += [self.location(index) for index in range(len(self.locations), locations)]
        existing = set(WarehouseStock.objects.filter(warehouse__in=self.locations).values_list(
            "warehouse_id", "stockrecord_id"))
        WarehouseStock.objects.bulk_create([
            WarehouseStock(warehouse=location, stockrecord=record, on_hand=units(s, i)[0], allocated=units(s, i)[1])
            for i, location in enumerate(self.locations) for s, record in enumerate(self.records)
            if (location.pk, record.pk) not in existing], batch_size=2000)

    def expected(self, store: Store) -> dict[int, int]:
        """Free units per SKU worked out row by row: the pool a shopper of `store` buys from."""
        if store.stock_mode == Store.StockMode.INDEPENDENT:
            pool = [i for i, location in enumerate(self.locations) if location.store_id == store.pk]
        else:
            pool = [i for i, location in enumerate(self.locations)
                    if location.supplier_id or location.store_id in (self.shared.pk, self.sibling.pk)]
        return {record.pk: sum(max(units(s, i)[0] - units(s, i)[1], 0) for i in pool)
                for s, record in enumerate(self.records)}


def _available(store) -> tuple[int, dict[int, int]]:
    with CaptureQueriesContext(connection) as captured:
        free = available_in(store=store, stockrecord_ids=Listing.objects.filter(store=store).values("stockrecord_id"))
    return len(captured), free


def _page_queries(client, store) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/s/{store.slug}/")
    assert response.status_code == 200
    assert "Count tea" in response.content.decode()
    return len(captured)


def test_availability_of_many_skus_over_many_locations_costs_fixed_queries(demo, client):
    world = World()
    world.grow(skus=20, locations=2)
    small = {store.slug: _available(store) for store in (world.shared, world.independent)}
    for store in (world.shared, world.independent):
        client.get(f"/s/{store.slug}/")  # first visit: session, caches
    small_pages = {store.slug: _page_queries(client, store) for store in (world.shared, world.independent)}
    world.grow(skus=10_000, locations=20)
    assert WarehouseStock.objects.filter(warehouse__in=world.locations).count() == 10_000 * 20
    big = {store.slug: _available(store) for store in (world.shared, world.independent)}
    big_pages = {store.slug: _page_queries(client, store) for store in (world.shared, world.independent)}

    for slug in small:
        assert big[slug][0] == small[slug][0] == 1, f"{slug}: {small[slug][0]} → {big[slug][0]} queries"
    assert big_pages == small_pages
    # the numbers: the shared store counts the supplier warehouses and both shared stores' own stock, the
    # independent store its own stock room only; rows allocated beyond their units count as 0, not negative
    assert big[world.shared.slug][1] == world.expected(world.shared)
    assert big[world.independent.slug][1] == world.expected(world.independent)
    shared, independent = big[world.shared.slug][1], big[world.independent.slug][1]
    assert sum(shared.values()) > sum(independent.values()) > 0
    # an order in the sibling (drawn from its own shelf) lowers the shared store's availability, not the
    # independent one's
    row = WarehouseStock.objects.filter(warehouse__store=world.sibling, on_hand__gt=F("allocated")).order_by(
        "pk").select_related("stockrecord").first()
    with transaction.atomic():
        assert stock_allocate(store=world.sibling, stockrecord=row.stockrecord, quantity=1) == [(row.warehouse_id, 1)]
    assert _available(world.shared)[1][row.stockrecord_id] == shared[row.stockrecord_id] - 1
    assert _available(world.independent)[1].get(row.stockrecord_id, 0) == independent.get(row.stockrecord_id, 0)
