"""Hot-SKU checkout: 50 concurrent shoppers buying one SKU, our full checkout against a raw conditional decrement.

    .venv/bin/python bench/checkout_hot_sku.py            # 200 units, on a throwaway PostgreSQL (localengines.py)
    .venv/bin/python bench/checkout_hot_sku.py --quick    # 60 units, well under a minute
    .venv/bin/python bench/checkout_hot_sku.py --sqlite   # on SQLite for a quick look (checkouts serialize there)

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (PostgreSQL unless --sqlite), creates the
tables from the models, loads the demo without its catalogues, creates one approved product of the demo supplier
with one hot SKU holding S units split over its two warehouses (hz, sh), lists it in `sunrise-online` and creates
50 shoppers, each with a basket. Then, 50 threads (one per shopper, one database connection each, released
together by a barrier):

- ours: each shopper loops: put 1 unit in its basket (a new basket per attempt) and call
  `storefront.services.order_place` (price check, stock record row lock, oscar's `OrderCreator` with our
  conditional allocation, the units drawn from the warehouses, one fulfilment group per warehouse) until it
  raises `SoldOut`, or refuses the line in its unlocked availability pre-check because oscar's strategy sees
  no free unit (a `CheckoutError` worded "No longer sold in <store>", accepted only with that out-of-stock
  availability). Any other error fails the bench. Time: barrier release to the last thread done.
- baseline: the same stock record reset to S free units, each thread loops on the bare conditional decrement
  `UPDATE partner_stockrecord SET num_allocated = ... WHERE id = %s AND num_in_stock >= ...` in autocommit
  until it updates no row (best of 3 runs: a run is a fraction of a second, easily disturbed).

Both are checked: exactly S orders / S decrements, the stock record fully allocated and never beyond its stock,
the warehouses' allocations summing to S and none beyond its units on hand ("0 oversold"). The last line is
`checkout_hot_sku: ratio=X.XX (...)` with ratio = our time per order / baseline time per decrement
= baseline rate / our rate.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

SHOPPERS = 50
BASELINE_RUNS = 3
SKU = "HOT-1"
STORE = "sunrise-online"
BARRIER_TIMEOUT = 60.0  # seconds for 50 threads to connect and line up
JOIN_TIMEOUT = 600.0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 units instead of 200")
    parser.add_argument("--units", type=int, help="units of the hot SKU (overrides --quick)")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server (default)")
    engine.add_argument("--sqlite", action="store_true", help="run on SQLite instead (threads serialize there)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    units = args.units or (60 if args.quick else 200)
    if units < 2:
        print("--units must be at least 2 (the stock is split over two warehouses)", file=sys.stderr)
        return 2
    for variable in ("DATABASE_URL", "REDIS_URL"):  # never the developer's own database
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"  # no per-query logging in either run
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # oscar logs a line per stock record saved
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        # the confirmation e-mails are sent (in memory), not printed: the console would time the terminal
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        if args.sqlite:
            return run(units, engine="SQLite")
        from localengines import engines

        with engines(postgres=True, redis=False) as started:
            if "DATABASE_URL" not in started.env:
                print("checkout_hot_sku needs PostgreSQL: " + "; ".join(started.skipped)
                      + ". Run with --sqlite for a quick look on SQLite instead.", file=sys.stderr)
                return 2
            os.environ.update(started.env)
            return run(units, engine="PostgreSQL")


def build(units: int):
    """The demo supplier's approved product with one SKU of `units` units (hz and sh), listed in sunrise-online,
    and 50 shoppers, each with an empty basket. Returns (store, stock record id, [(shopper, basket)])."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from distributor.models import PriceRule
    from distributor.services import listings_save
    from parties.demo import load_demo
    from parties.models import Distributor, Store
    from supplier import services as catalogue
    from supplier.catalogue_input import ProductInput, VariantInput

    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    User = get_user_model()

    load_demo(with_catalogue=False)
    owner = User.objects.get(email="supplier@demo.test")
    operator = User.objects.get(email="operator@demo.test")
    supplier = owner.memberships.get().supplier
    hz = units // 2 + units % 2
    data = ProductInput(title="Hot tea", description="The one everybody wants.", category="Tea > Green tea",
                        product_class="Tea", variants=[VariantInput(
                            sku=SKU, wholesale_price=Decimal("10.00"), suggested_retail_price=Decimal("20.00"),
                            min_retail_price=Decimal("12.00"), stock={"hz": hz, "sh": units - hz})])
    entry = catalogue.product_create(actor=owner, supplier=supplier, data=data)
    catalogue.product_submit(actor=owner, entry=entry)
    catalogue.product_approve(actor=operator, entry=entry)
    record = StockRecord.objects.get(partner_id=supplier.partner_id, partner_sku=SKU)
    store = Store.objects.get(slug=STORE)
    listings_save(actor=User.objects.get(email="distributor@demo.test"),
                  distributor=Distributor.objects.get(slug="sunrise-retail"), store_ids=[store.pk],
                  record_ids=[record.pk], rule=PriceRule.SUGGESTED)
    shoppers = []
    for n in range(SHOPPERS):
        user = User.objects.create_user(username=f"hot-shopper{n}", email=f"hot-shopper{n}@example.test")
        shoppers.append((user, Basket.objects.create(owner=user)))
    return store, record.pk, shoppers


def run_threads(target, args_list) -> float:
    """Run `target(barrier, *args)` in one thread per args; seconds from barrier release to the last one done."""
    released = []
    barrier = threading.Barrier(len(args_list) + 1, action=lambda: released.append(time.perf_counter()))
    threads = [threading.Thread(target=target, args=(barrier, *args), daemon=True) for args in args_list]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=BARRIER_TIMEOUT)  # the threads are connected and lined up
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    finished = time.perf_counter()
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"some threads were still running after {JOIN_TIMEOUT:.0f} s")
    return finished - released[0]


def ours(store, record_id: int, shoppers) -> tuple[float, int, list[str], str]:
    """50 shoppers checking out 1 unit at a time until sold out: (seconds, orders placed, errors, how the
    shoppers were refused at the end)."""
    from django.db import connection
    from oscar.core.loading import get_class, get_model

    from storefront.addresses import shipping_address_new
    from storefront.allocation import SoldOut
    from storefront.services import order_place

    Basket = get_model("basket", "Basket")
    Product = get_model("catalogue", "Product")
    Selector = get_class("partner.strategy", "Selector")
    product_id = get_model("partner", "StockRecord").objects.get(pk=record_id).product_id
    placed: list[int] = []
    refusals: list[str] = []  # how each shopper was told the SKU is gone
    errors: list[str] = []

    def shop(barrier, user, basket):
        count = 0
        try:
            product = Product.objects.get(pk=product_id)  # this thread's own instance and connection
            try:
                barrier.wait(timeout=BARRIER_TIMEOUT)
            except threading.BrokenBarrierError:
                return
            while True:
                if basket is None:
                    basket = Basket.objects.create(owner=user)
                basket.strategy = Selector().strategy(store=store)
                basket.add_product(product, quantity=1)
                try:
                    order_place(basket=basket, store=store, user=user,
                                shipping_address=shipping_address_new())
                except SoldOut:  # the only acceptable refusal: fewer units free than the basket wants
                    refusals.append("SoldOut")
                    break
                count += 1
                basket = None  # a new basket for the next attempt
        except Exception as error:  # noqa: BLE001  (reported, and the bench fails)
            errors.append(f"{user.username}: {error!r}")
        finally:
            placed.append(count)
            connection.close()

    seconds = run_threads(shop, shoppers)
    if not errors and len(refusals) != len(shoppers):
        errors.append(f"{len(shoppers) - len(refusals)} shoppers stopped without being refused")
    ways = ", ".join(f"{refusals.count(way)} {way}" for way in sorted(set(refusals)))
    return seconds, sum(placed), errors, ways


def check_ours(record_id: int, units: int, placed: int) -> list[str]:
    """Everything that would show an oversold (or undersold) hot SKU; [] when all is right."""
    from django.db.models import Sum
    from oscar.core.loading import get_model

    from storefront.models import FulfilmentLine
    from supplier.models import WarehouseStock

    StockRecord = get_model("partner", "StockRecord")
    Line = get_model("order", "Line")
    record = StockRecord.objects.get(pk=record_id)
    allocated = record.num_allocated or 0
    warehouses = list(WarehouseStock.objects.filter(stockrecord_id=record_id).values_list(
        "warehouse__code", "on_hand", "allocated"))
    ordered = Line.objects.filter(stockrecord_id=record_id).aggregate(n=Sum("quantity"))["n"] or 0
    shipped = FulfilmentLine.objects.filter(line__stockrecord_id=record_id).aggregate(n=Sum("quantity"))["n"] or 0
    problems = []
    if placed != units:
        problems.append(f"placed {placed} orders for {units} units")
    if ordered != units or shipped != units:
        problems.append(f"order lines hold {ordered} units, fulfilment lines {shipped}, expected {units}")
    if record.num_in_stock != units or allocated != record.num_in_stock:
        problems.append(f"stock record: {record.num_in_stock} in stock, {allocated} allocated, expected {units}")
    if sum(row[2] for row in warehouses) != units:
        problems.append(f"warehouses allocated {sum(row[2] for row in warehouses)} units: {warehouses}")
    for code, on_hand, taken in warehouses:
        if taken < 0 or on_hand < 0 or taken > on_hand:
            problems.append(f"warehouse {code}: {taken} allocated of {on_hand} on hand")
    return problems


def oversold(record_id: int) -> int:
    """Units allocated beyond the stock, on the record and in each warehouse."""
    from oscar.core.loading import get_model

    from supplier.models import WarehouseStock

    record = get_model("partner", "StockRecord").objects.get(pk=record_id)
    over = max((record.num_allocated or 0) - (record.num_in_stock or 0), 0)
    for on_hand, taken in WarehouseStock.objects.filter(stockrecord_id=record_id).values_list("on_hand", "allocated"):
        over += max(taken - on_hand, 0)
    return over


def baseline(record_id: int, units: int) -> tuple[float, int, list[str]]:
    """The same record reset to `units` free units, 50 threads decrementing it in autocommit until none is left:
    (seconds, rows updated, errors)."""
    from django.db import connection
    from oscar.core.loading import get_model

    table = get_model("partner", "StockRecord")._meta.db_table
    sql = (f"UPDATE {table} SET num_allocated = COALESCE(num_allocated, 0) + 1 "  # noqa: S608
           f"WHERE id = %s AND num_in_stock >= COALESCE(num_allocated, 0) + 1")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET num_in_stock = %s, num_allocated = 0 WHERE id = %s",  # noqa: S608
                       [units, record_id])
    updated: list[int] = []
    errors: list[str] = []

    def decrement(barrier, number):
        count = 0
        try:
            connection.ensure_connection()
            try:
                barrier.wait(timeout=BARRIER_TIMEOUT)
            except threading.BrokenBarrierError:
                return
            with connection.cursor() as cursor:
                while True:
                    cursor.execute(sql, [record_id])
                    if cursor.rowcount != 1:
                        break
                    count += 1
        except Exception as error:  # noqa: BLE001  (reported, and the bench fails)
            errors.append(f"thread {number}: {error!r}")
        finally:
            updated.append(count)
            connection.close()

    seconds = run_threads(decrement, [(n,) for n in range(SHOPPERS)])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT num_in_stock, num_allocated FROM {table} WHERE id = %s", [record_id])  # noqa: S608
        in_stock, allocated = cursor.fetchone()
    if allocated != units or in_stock != units:
        errors.append(f"baseline left {allocated} allocated of {in_stock} in stock, expected {units}")
    return seconds, sum(updated), errors


def run(units: int, *, engine: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if engine == "SQLite":  # take the write lock at BEGIN and wait for it, instead of failing on lock upgrade
        connections.settings["default"]["OPTIONS"].update(transaction_mode="IMMEDIATE", timeout=300)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo logins: no slow hashing

    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    store, record_id, shoppers = build(units)
    print(f"built the demo, one hot SKU with {units} units (hz + sh) listed in {STORE} and {SHOPPERS} shoppers "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    ours_seconds, placed, errors, refusals = ours(store, record_id, shoppers)
    if errors:
        print(f"ours: {len(errors)} shoppers failed with something other than SoldOut:", file=sys.stderr)
        for error in errors[:10]:
            print(f"  {error}", file=sys.stderr)
        return 1
    problems = check_ours(record_id, units, placed)
    over = oversold(record_id)
    if problems or over:
        print(f"ours: {over} units oversold; " + "; ".join(problems), file=sys.stderr)
        return 1
    ours_rate = placed / ours_seconds
    print(f"ours: {placed} orders in {ours_seconds:.2f} s = {ours_rate:.1f} orders/s, {units} units, "
          f"0 oversold; shoppers refused at the end: {refusals}", flush=True)

    base_seconds = float("inf")
    for _attempt in range(BASELINE_RUNS):
        seconds, decremented, errors = baseline(record_id, units)
        if errors or decremented != units:
            print(f"baseline: {decremented} decrements for {units} units; " + "; ".join(errors[:10]),
                  file=sys.stderr)
            return 1
        base_seconds = min(base_seconds, seconds)
    base_rate = units / base_seconds
    print(f"baseline: {units} conditional decrements in {base_seconds:.3f} s = {base_rate:.0f}/s "
          f"(best of {BASELINE_RUNS})")
    print(f"checkout_hot_sku: ratio={base_rate / ours_rate:.2f} (ours {placed} orders in {ours_seconds:.2f} s = "
          f"{ours_rate:.1f} orders/s, raw SQL decrement {base_rate:.0f}/s, {SHOPPERS} shoppers, {engine}, "
          f"0 oversold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
