"""What the benchmarks share: the order-line ones' arguments, a fresh database on a throwaway PostgreSQL (or
SQLite), a row series in SQL for either engine, and the stock ones' warehouse of N stocked SKUs. Beside
localengines.py, which it uses; not a benchmark itself."""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable


def line_args(argv, *, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="40,000 lines instead of 1,000,000")
    parser.add_argument("--lines", type=int, help="order lines (overrides --quick)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of a throwaway PostgreSQL")
    args = parser.parse_args(argv)
    args.lines = args.lines or (40_000 if args.quick else 1_000_000)
    return args


def on_fresh_database(args: argparse.Namespace, run: Callable[..., int], *, name: str, size: int | None = None,
                      env: dict[str, str] | None = None) -> int:
    """`run(size, engine=...)` (size: `args.lines` unless given) in a temporary MARKETPLACE_VAR_DIR, with `env` set,
    on a throwaway PostgreSQL (localengines.py, as `make test` starts it) unless --sqlite or PostgreSQL is not
    installed; never the developer's database."""
    size = args.lines if size is None else size
    for variable in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        os.environ.update(env or {})
        if args.sqlite:
            return run(size, engine="SQLite")
        from localengines import engines

        with engines(postgres=True, redis=False) as started:
            if "DATABASE_URL" not in started.env:
                print("no PostgreSQL (" + "; ".join(started.skipped) + "): running on SQLite", file=sys.stderr)
                return run(size, engine="SQLite")
            os.environ.update(started.env)
            return run(size, engine="PostgreSQL")


def series(engine: str, count: int) -> str:
    """A table expression `s(i)` of 1..count on either engine."""
    if engine == "PostgreSQL":
        return f"generate_series(1, {count}) AS s(i)"
    return (f"(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {count}) "
            f"SELECT i FROM r) AS s")


def stocked_warehouse(sku_count: int):
    """A supplier, one warehouse and `sku_count` SKUs on hand there (10-39 units each, with their opening movements;
    1 SKU in 5 with a low-stock threshold of 12), and a staff actor: (actor, supplier, location)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from inventory.services import stock_opening_record
    from parties.models import Supplier, Warehouse
    from supplier.models import WarehouseStock

    Partner = get_model("partner", "Partner")
    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    StockRecord = get_model("partner", "StockRecord")

    actor = get_user_model().objects.create_user(username="bench-actor", email="bench@bench.test",
                                                 password="x", is_staff=True)
    partner = Partner.objects.create(name="Bench Tea", code="bench-tea")
    supplier = Supplier.objects.create(slug="bench-tea", name="Bench Tea", partner=partner)
    location = Warehouse.objects.create(supplier=supplier, code="main", name="Main warehouse")
    tea = ProductClass.objects.create(name="Tea", track_stock=True)
    products = Product.objects.bulk_create([
        Product(structure=Product.STANDALONE, title=f"Bench tea {n}", product_class=tea, is_public=True)
        for n in range(sku_count)], batch_size=1000)
    records = StockRecord.objects.bulk_create([
        StockRecord(product=product, partner=partner, partner_sku=f"BENCH-{n:05d}", price_currency="CNY",
                    wholesale_price=Decimal(20 + n % 80) + Decimal(n % 100) / 100,
                    price=Decimal("99.00"), num_in_stock=10 + n % 30)
        for n, product in enumerate(products)], batch_size=1000)
    rows = WarehouseStock.objects.bulk_create([
        WarehouseStock(stockrecord=record, warehouse=location, on_hand=10 + n % 30,
                       low_stock_threshold=12 if n % 5 == 0 else None)
        for n, record in enumerate(records)], batch_size=1000)
    stock_opening_record(rows=rows, actor=actor, reason="Opening")
    return actor, supplier, location
