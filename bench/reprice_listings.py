"""Repricing speed: our `listings_reprice` after suppliers change wholesale prices, against one set-based UPDATE.

    .venv/bin/python bench/reprice_listings.py             # 10,000 listings (20 stores x 500 SKUs)
    .venv/bin/python bench/reprice_listings.py --quick     # 1,000 listings (5 stores x 200 SKUs), well under a minute
    .venv/bin/python bench/reprice_listings.py --postgres  # on a throwaway PostgreSQL (platform/localengines.py)

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (SQLite unless --postgres), creates the
tables from the models, then bulk-creates a supplier with a few hundred SKUs (approved products), distributors
whose stores round markups to different price endings, and one listing per store and SKU with mixed rules
(mostly markup and suggested retail, some fixed). Every SKU's wholesale price then rises by 10 % (a plain
UPDATE of the stock records) and, the listing rows restored before every run, it times (best of 3 each):

- ours: `distributor.services.listings_reprice(record_ids=...)` (reads the listings with their SKU and store,
  works out each price and its band in Python, writes one UPDATE per distinct (price, flag));
- baseline: one set-based SQL UPDATE of the same rows computing the same prices in the database (UPDATE ...
  FROM on PostgreSQL, correlated subqueries on SQLite), with no band check, no flags and no e-mails.

Both results are checked against the prices the rules give (`distributor.pricing.rule_price`). The last line is
`reprice_listings: ratio=X.XX (...)` with ratio = our time / baseline time.
"""

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

RUNS = 3
ENDINGS = ("exact", "0.00", "0.90", "0.99")
CENT = Decimal("0.01")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 listings instead of 10,000")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    stores, skus = (5, 200) if args.quick else (20, 500)
    for variable in ("DATABASE_URL", "REDIS_URL"):  # never the developer's own database
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix="bench-reprice-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"  # no per-query logging in either run
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        if args.postgres:
            from localengines import engines

            with engines(postgres=True, redis=False) as started:
                if "DATABASE_URL" not in started.env:
                    print("; ".join(started.skipped), file=sys.stderr)
                    return 2
                os.environ.update(started.env)
                return run(stores, skus, engine="PostgreSQL")
        return run(stores, skus, engine="SQLite")


def rule_for(store_index: int, sku_index: int) -> tuple[str, Decimal | None]:
    """45 % markup (30-60 %), 40 % suggested retail, 15 % fixed; the markup figure as a share of 100."""
    from distributor.models import PriceRule

    k = (store_index * 31 + sku_index * 7) % 20
    if k < 9:
        return PriceRule.MARKUP, Decimal(30 + (store_index * 3 + sku_index) % 31) + (Decimal("0.5") if k % 3 == 0
                                                                                     else 0)
    if k < 17:
        return PriceRule.SUGGESTED, None
    return PriceRule.FIXED, None


def build(store_count: int, sku_count: int):
    """A supplier with `sku_count` approved standalone SKUs and one listing of each in each of `store_count` stores."""
    from oscar.core.loading import get_model

    from distributor import pricing
    from distributor.models import Listing, PriceRule
    from parties.models import Distributor, Store, Supplier
    from supplier.models import ReviewState, SupplierProduct

    Partner = get_model("partner", "Partner")
    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    StockRecord = get_model("partner", "StockRecord")

    partner = Partner.objects.create(name="Bench Tea", code="bench-tea")
    supplier = Supplier.objects.create(slug="bench-tea", name="Bench Tea", partner=partner)
    tea = ProductClass.objects.create(name="Tea", track_stock=True)
    products = Product.objects.bulk_create([
        Product(structure=Product.STANDALONE, title=f"Bench tea {n}", product_class=tea, is_public=True)
        for n in range(sku_count)])
    entries = SupplierProduct.objects.bulk_create([
        SupplierProduct(product=product, supplier=supplier, state=ReviewState.APPROVED, on_shelf=True)
        for product in products])
    records = []
    for n, product in enumerate(products):
        wholesale = Decimal(20 + n % 80) + Decimal(n % 100) / 100
        records.append(StockRecord(product=product, partner=partner, partner_sku=f"BENCH-{n:05d}",
                                   price_currency="CNY", wholesale_price=wholesale,
                                   price=(wholesale * Decimal("1.6")).quantize(CENT),
                                   min_retail_price=(wholesale * Decimal("1.2")).quantize(CENT), num_in_stock=50))
    records = StockRecord.objects.bulk_create(records)
    distributors = [Distributor.objects.create(slug=f"bench-d{n}", name=f"Bench distributor {n}") for n in range(3)]
    stores = Store.objects.bulk_create([
        Store(slug=f"bench-s{n}", name=f"Bench store {n}", distributor=distributors[n % len(distributors)],
              price_ending=ENDINGS[n % len(ENDINGS)]) for n in range(store_count)])
    listings = []
    for i, store in enumerate(stores):
        for j, (record, entry) in enumerate(zip(records, entries, strict=True)):
            rule, markup = rule_for(i, j)
            fixed = (record.price * Decimal("0.9")).quantize(Decimal("1")) if rule == PriceRule.FIXED else None
            price = pricing.rule_price(rule=rule, wholesale=record.wholesale_price, suggested=record.price,
                                       fixed_price=fixed, markup_percent=markup, ending=store.price_ending,
                                       strict=False)
            listings.append(Listing(store=store, entry=entry, stockrecord=record, rule=rule, fixed_price=fixed,
                                    markup_percent=markup, price=price))
    Listing.objects.bulk_create(listings, batch_size=2000)
    return supplier, [record.pk for record in records]


def expected_prices(record_ids) -> dict[int, Decimal]:
    """{listing id: the price its rule gives at today's supplier prices}, worked out row by row in Python."""
    from distributor import pricing
    from distributor.models import Listing

    rows = Listing.objects.filter(stockrecord_id__in=record_ids).values_list(
        "pk", "rule", "fixed_price", "markup_percent", "store__price_ending", "stockrecord__wholesale_price",
        "stockrecord__price")
    return {pk: pricing.rule_price(rule=rule, wholesale=wholesale, suggested=suggested, fixed_price=fixed,
                                   markup_percent=markup, ending=ending, strict=False)
            for pk, rule, fixed, markup, ending, wholesale, suggested in rows}


def current_prices(record_ids) -> dict[int, Decimal]:
    from distributor.models import Listing

    return dict(Listing.objects.filter(stockrecord_id__in=record_ids).values_list("pk", "price"))


def _ceil_sqlite(value: str) -> str:
    """CEIL for a positive REAL in SQLite (its math functions are optional): the ROUND drops float noise."""
    rounded = f"ROUND({value}, 6)"
    return f"(CAST({rounded} AS INTEGER) + ({rounded} > CAST({rounded} AS INTEGER)))"


def baseline_sql(vendor: str) -> str:
    """One UPDATE of every listing of the supplier's SKUs: suggested → the SKU's price, fixed stays, markup →
    wholesale x (100 + markup) / 100 rounded up to the store's ending (to the cent in an exact-priced store)."""
    from oscar.core.loading import get_model

    from distributor.models import Listing
    from parties.models import Store

    listing = Listing._meta.db_table
    record = get_model("partner", "StockRecord")._meta.db_table
    store = Store._meta.db_table
    if vendor == "postgresql":
        raw = "sr.wholesale_price * (100 + l.markup_percent) / 100"
        return f"""
            UPDATE {listing} AS l SET updated_at = %s, price = CASE l.rule
                WHEN 'fixed' THEN l.fixed_price
                WHEN 'suggested' THEN sr.price
                ELSE CASE s.price_ending
                    WHEN 'exact' THEN CEIL({raw} * 100) / 100
                    ELSE CEIL({raw} - CAST(s.price_ending AS numeric)) + CAST(s.price_ending AS numeric) END END
            FROM {record} AS sr, {store} AS s
            WHERE sr.id = l.stockrecord_id AND s.id = l.store_id AND sr.partner_id = %s"""  # noqa: S608
    raw = f"(sr.wholesale_price * (100 + {listing}.markup_percent) / 100.0)"
    ending = "CAST(s.price_ending AS REAL)"
    markup = (f"CASE s.price_ending WHEN 'exact' THEN {_ceil_sqlite(f'{raw} * 100')} / 100.0 "
              f"ELSE {_ceil_sqlite(f'{raw} - {ending}')} + {ending} END")
    return f"""
        UPDATE {listing} SET updated_at = %s, price = CASE rule
            WHEN 'fixed' THEN fixed_price
            WHEN 'suggested' THEN (SELECT sr.price FROM {record} AS sr WHERE sr.id = {listing}.stockrecord_id)
            ELSE (SELECT {markup} FROM {record} AS sr, {store} AS s
                  WHERE sr.id = {listing}.stockrecord_id AND s.id = {listing}.store_id) END
        WHERE stockrecord_id IN (SELECT id FROM {record} WHERE partner_id = %s)"""  # noqa: S608


def run(store_count: int, sku_count: int, *, engine: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    from distributor.models import Listing
    from distributor.selectors import price_policy
    from distributor.services import listings_reprice

    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    supplier, record_ids = build(store_count, sku_count)
    listing_count = Listing.objects.count()
    print(f"built {listing_count:,} listings ({store_count} stores x {sku_count} SKUs) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    before = current_prices(record_ids)
    StockRecord = get_model("partner", "StockRecord")
    changed = list(StockRecord.objects.filter(pk__in=record_ids).only("pk", "wholesale_price"))
    for record in changed:  # every supplier raises its wholesale price by 10 %, to the cent
        record.wholesale_price = (record.wholesale_price * Decimal("1.10")).quantize(CENT)
    StockRecord.objects.bulk_update(changed, ["wholesale_price"], batch_size=500)
    expected = expected_prices(record_ids)
    changing = sum(expected[pk] != before[pk] for pk in expected)
    price_policy()  # the policy row exists before either run

    table = Listing._meta.db_table
    with connection.cursor() as cursor:  # the listing rows as built, restored before every run
        cursor.execute(f"CREATE TABLE bench_listing_backup AS SELECT id, price, flag, flagged_at, updated_at "
                       f"FROM {table}")  # noqa: S608
        cursor.execute("CREATE UNIQUE INDEX bench_listing_backup_id ON bench_listing_backup (id)")

    def restore() -> None:
        with connection.cursor() as cursor:
            columns = ", ".join(f"{column} = (SELECT b.{column} FROM bench_listing_backup AS b "
                                f"WHERE b.id = {table}.id)" for column in ("price", "flag", "flagged_at",
                                                                            "updated_at"))
            cursor.execute(f"UPDATE {table} SET {columns}")  # noqa: S608
        assert current_prices(record_ids) == before

    def check(label: str) -> int:
        got = current_prices(record_ids)
        wrong = {pk: (got[pk], price) for pk, price in expected.items() if got[pk] != price}
        if wrong:
            print(f"{label}: {len(wrong)} wrong prices, e.g. {list(wrong.items())[:5]}", file=sys.stderr)
        return len(wrong)

    sql = baseline_sql(connection.vendor)
    ours = base = float("inf")
    repriced = 0
    for _attempt in range(RUNS):  # the best of a few: a short run is easily disturbed by other work
        restore()
        started = time.perf_counter()
        result = listings_reprice(record_ids=record_ids, reason="bench")
        ours = min(ours, time.perf_counter() - started)
        repriced = result.repriced
        if check("ours") or result.newly_flagged:
            return 1

        restore()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [timezone.now(), supplier.partner_id])
            updated = cursor.rowcount
        base = min(base, time.perf_counter() - started)
        if check("baseline") or updated != listing_count:
            print(f"baseline updated {updated} rows of {listing_count}", file=sys.stderr)
            return 1

    print(f"ours: examined {listing_count:,} listings, repriced {repriced:,} (expected {changing:,}) in "
          f"{ours:.3f} s; baseline set-based UPDATE of {listing_count:,} rows: {base:.3f} s")
    if repriced != changing:
        print(f"ours repriced {repriced} listings, {changing} prices change", file=sys.stderr)
        return 1
    print(f"reprice_listings: ratio={ours / base:.2f} (ours {ours:.3f} s, baseline {base:.3f} s, "
          f"{listing_count} listings, {engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
