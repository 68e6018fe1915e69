"""Catalogue import speed: our checked, all-or-nothing import against a bare `bulk_create` of the same rows.

    .venv/bin/python bench/import_products.py            # 10,000 products (about 20,000 SKU rows)
    .venv/bin/python bench/import_products.py --quick    # 500 products, well under a minute
    .venv/bin/python bench/import_products.py --postgres # on a throwaway PostgreSQL (platform/localengines.py)
    .venv/bin/python bench/import_products.py --quick --profile   # also print where our import spends its time

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (SQLite unless --postgres), migrates
it once, generates a CSV of N products (a third standalone, the rest with 2 or 3 variants) for a new
supplier with two warehouses, then times:

- ours: `supplier.spreadsheet.import_apply` on that file (read, check every row, write through the
  catalogue services: review history, audit log, search index, stock per warehouse);
- baseline: the same rows read with `csv` and written with plain `bulk_create` of oscar Product and
  StockRecord rows and our WarehouseStock rows, without any check, into a new supplier (best of 3 runs).

The last line is `import_products: ratio=X.XX (...)` with ratio = our time / baseline time.
"""

import argparse
import cProfile
import csv
import os
import pstats
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

WAREHOUSES = ("w1", "w2")
BASELINE_RUNS = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 products instead of 10,000")
    parser.add_argument("--products", type=int, help="number of products (overrides --quick)")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server")
    parser.add_argument("--profile", action="store_true", help="print the top functions of our import")
    parser.add_argument("--migrations", action="store_true",
                        help="build the database by running every migration (about a minute) instead of "
                             "creating the tables from the models")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    count = args.products or (500 if args.quick else 10_000)
    for variable in ("DATABASE_URL", "REDIS_URL"):  # never the developer's own database
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"  # no per-query logging in either run
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # oscar logs a line per stock record saved
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        if args.postgres:
            from localengines import engines

            with engines(postgres=True, redis=False) as started:
                if "DATABASE_URL" not in started.env:
                    print("; ".join(started.skipped), file=sys.stderr)
                    return 2
                os.environ.update(started.env)
                return run(count, folder, profile=args.profile, engine="PostgreSQL", migrations=args.migrations)
        return run(count, folder, profile=args.profile, engine="SQLite", migrations=args.migrations)


def generate_csv(path: Path, count: int) -> int:
    """N products: every third standalone, the others with 2 or 3 variants; returns the number of SKU rows."""
    from supplier.spreadsheet import columns_for

    categories = ["Tea > Green tea", "Tea > Black tea", "Tea > Oolong"]
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns_for(warehouse_codes=WAREHOUSES))
        for number in range(1, count + 1):
            ref = f"B{number:05d}"
            names = [""] if number % 3 == 0 else [f"{size} g" for size in (50, 100, 250)[: 2 + number % 2]]
            for index, name in enumerate(names):
                wholesale = Decimal(10 + number % 90) + Decimal(index * 5)
                writer.writerow([ref, f"Bench tea {number}", f"Generated product {number}.",
                                 categories[number % 3], "Tea", ["", "new", "hot,promotion"][number % 3],
                                 f"{ref}-{index + 1}", name, f"{wholesale:.2f}", f"{wholesale * 2:.2f}",
                                 f"{wholesale * Decimal('1.5'):.2f}", number % 40, (number * 7) % 50])
                rows += 1
    return rows


def make_supplier(slug: str):
    from oscar.core.loading import get_model

    from parties.models import Supplier, Warehouse

    partner = get_model("partner", "Partner").objects.create(name=slug, code=slug)
    supplier = Supplier.objects.create(slug=slug, name=slug, partner=partner)
    for code in WAREHOUSES:
        Warehouse.objects.create(supplier=supplier, code=code, name=code)
    return supplier


def baseline(path: Path, supplier) -> None:
    """The same rows with no check, no history, no index: three bulk_create passes in one transaction."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from supplier.models import WarehouseStock

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    StockRecord = get_model("partner", "StockRecord")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["product_ref"], []).append(row)
    tea = ProductClass.objects.get(name="Tea")
    warehouses = {w.code: w for w in supplier.warehouses.all()}
    with transaction.atomic():
        tops = Product.objects.bulk_create(
            [Product(structure=Product.PARENT if group[0]["variant"] else Product.STANDALONE,
                     title=group[0]["title"], description=group[0]["description"], product_class=tea,
                     is_public=False) for group in groups.values()], batch_size=1000)
        children, owners = [], []
        for top, group in zip(tops, groups.values(), strict=True):
            for row in group:
                if top.structure == Product.PARENT:
                    children.append(Product(structure=Product.CHILD, parent=top, title=row["variant"],
                                            is_public=False))
                owners.append((top, row))
        Product.objects.bulk_create(children, batch_size=1000)
        child_iter = iter(children)
        records = []
        for top, row in owners:
            target = next(child_iter) if top.structure == Product.PARENT else top
            records.append(StockRecord(
                product=target, partner_id=supplier.partner_id, partner_sku=row["sku"], price_currency="CNY",
                wholesale_price=Decimal(row["wholesale_price"]), price=Decimal(row["suggested_retail_price"]),
                min_retail_price=Decimal(row["min_retail_price"]),
                num_in_stock=sum(int(row[f"stock:{code}"]) for code in WAREHOUSES)))
        StockRecord.objects.bulk_create(records, batch_size=1000)
        WarehouseStock.objects.bulk_create(
            [WarehouseStock(stockrecord=record, warehouse=warehouses[code], on_hand=int(row[f"stock:{code}"]))
             for record, (_top, row) in zip(records, owners, strict=True) for code in WAREHOUSES],
            batch_size=1000)


def run(count: int, folder: str, *, profile: bool, engine: str, migrations: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from oscar.core.loading import get_model

    from supplier.demo import load_catalogue_basics
    from supplier.spreadsheet import import_apply

    started = time.perf_counter()
    if not migrations:  # today's tables straight from the models: seconds instead of replaying 300+ migrations
        from django.apps import apps
        from django.conf import settings

        settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: {'migrated' if migrations else 'created tables of'} a fresh database in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    load_catalogue_basics()
    path = Path(folder) / "products.csv"
    rows = generate_csv(path, count)
    print(f"generated {count:,} products, {rows:,} SKU rows ({path.stat().st_size / 1e6:.1f} MB)", flush=True)

    ours_supplier = make_supplier("bench-ours")
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with open(path, "rb") as handle:
        report = import_apply(actor=None, supplier=ours_supplier, file=handle, filename=path.name)
    if profiler:
        profiler.disable()
    ours = time.perf_counter() - started
    if not report.applied:
        print(f"our import refused the file: {report.errors[:5]}", file=sys.stderr)
        return 1

    base = float("inf")
    for attempt in range(BASELINE_RUNS):  # the best of a few: a short run is easily disturbed by other work
        base_supplier = make_supplier(f"bench-baseline-{attempt}")
        started = time.perf_counter()
        baseline(path, base_supplier)
        base = min(base, time.perf_counter() - started)

    StockRecord = get_model("partner", "StockRecord")
    for supplier in (ours_supplier, base_supplier):  # the last baseline run stands for all
        written = StockRecord.objects.filter(partner_id=supplier.partner_id).count()
        if written != rows:
            print(f"{supplier.slug} wrote {written} stock records, expected {rows}", file=sys.stderr)
            return 1
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    print(f"ours: {report.new_products:,} products, {rows:,} rows in {ours:.2f} s; "
          f"baseline bulk_create: {base:.2f} s")
    print(f"import_products: ratio={ours / base:.2f} (ours {rows} rows in {ours:.2f} s = {rows / ours:.0f} rows/s; "
          f"bulk_create baseline {base:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
