"""Bulk stock update through the REST API (POST /api/v1/stock/bulk/) against set-based SQL on the same rows.

    .venv/bin/python bench/api_stock_bulk.py            # 10,000 SKUs, on a throwaway PostgreSQL (localengines.py)
    .venv/bin/python bench/api_stock_bulk.py --quick    # 1,000 SKUs, well under a minute
    .venv/bin/python bench/api_stock_bulk.py --sqlite   # on SQLite instead (also used when PostgreSQL is missing)

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (tables from the models), a supplier with N SKUs
in one warehouse (10-39 units each, with their opening movements) and a read/write API token of the supplier. New
levels differ from the current ones for 6 SKUs in 7 (-3..+3 units). Before every timed run the stock, the ledger and
oscar's totals are restored. It times (best of 3 each):

- ours: ONE request of all N items (`mode: set`; N is at most the API's 10,000, so no chunking) through DRF's test
  client: bearer auth, throttle, JSON parsing, every row checked, the SKUs resolved, then
  `inventory.services.stock_levels_set` (rows locked, one ADJUST movement per change naming the token, bulk updates
  of the rows and of oscar's per-SKU totals, alerts), the whole request in its transaction;
- baseline: in one transaction, one INSERT ... SELECT of the movement rows joined to a VALUES list of the new levels,
  then one UPDATE ... FROM (VALUES ...) of on_hand (no checks, locks, totals, alerts or HTTP).

Both must end with the same units on hand, and the ledger must add up. The last line is
`api_stock_bulk: ratio=X.XX (ours N rows/s, baseline M rows/s, ...)` with ratio = baseline rows/s / our rows/s
(how many times slower the API is than bare SQL).
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchkit import on_fresh_database, stocked_warehouse  # noqa: E402  (needs platform/ on the path)

RUNS = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 SKUs instead of 10,000")
    parser.add_argument("--skus", type=int, help="SKUs (overrides --quick; at most 10,000: one request)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of a throwaway PostgreSQL")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    skus = min(args.skus or (1000 if args.quick else 10_000), 10_000)
    return on_fresh_database(args, run, name="api-stock", size=skus, env={"API_RATE_LIMIT": "100000/min"})


def level_for(index: int, on_hand: int) -> int:
    """The new level sent: -3..+3 units off, the same in 1 SKU of 7."""
    return max(on_hand + index % 7 - 3, 0)


def run(sku_count: int, *, engine: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.utils import timezone
    from oscar.core.loading import get_model
    from rest_framework.test import APIClient

    from api.tokens import api_token_create
    from inventory.models import StockAlert, StockMovement
    from supplier.models import WarehouseStock

    StockRecord = get_model("partner", "StockRecord")

    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    actor, supplier, location = stocked_warehouse(sku_count)
    _token, key = api_token_create(party=supplier, name="Bench ERP", access="write", actor=actor)
    opening_max = StockMovement.objects.order_by("-pk").values_list("pk", flat=True).first()
    print(f"built {sku_count:,} SKUs on hand in one warehouse in {time.perf_counter() - started:.1f} s", flush=True)

    stock_table = WarehouseStock._meta.db_table
    record_table = StockRecord._meta.db_table
    movement_table = StockMovement._meta.db_table
    with connection.cursor() as cursor:  # the rows as built, restored before every run
        cursor.execute(f"CREATE TABLE bench_stock_backup AS SELECT id, on_hand FROM {stock_table}")  # noqa: S608
        cursor.execute("CREATE UNIQUE INDEX bench_stock_backup_id ON bench_stock_backup (id)")
        cursor.execute(f"CREATE TABLE bench_record_backup AS SELECT id, num_in_stock FROM {record_table}")  # noqa: S608
        cursor.execute("CREATE UNIQUE INDEX bench_record_backup_id ON bench_record_backup (id)")
    built = list(WarehouseStock.objects.filter(warehouse=location).order_by("pk")
                 .values_list("pk", "stockrecord__partner_sku", "on_hand"))
    initial = {pk: on_hand for pk, _sku, on_hand in built}
    wanted = {pk: level_for(index, on_hand) for index, (pk, _sku, on_hand) in enumerate(built)}
    differing = sum(wanted[pk] != initial[pk] for pk in initial)
    body = json.dumps({"location": location.pk, "mode": "set", "reason": "Nightly ERP sync",
                       "items": [{"sku": sku, "quantity": wanted[pk]} for pk, sku, _on_hand in built]})

    def stock_now() -> dict[int, int]:
        return dict(WarehouseStock.objects.filter(warehouse=location).values_list("pk", "on_hand"))

    def restore() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {movement_table} WHERE id > %s", [opening_max])  # noqa: S608
            cursor.execute(f"UPDATE {stock_table} SET on_hand = (SELECT b.on_hand FROM bench_stock_backup AS b "
                           f"WHERE b.id = {stock_table}.id)")  # noqa: S608
            cursor.execute(f"UPDATE {record_table} SET num_in_stock = (SELECT b.num_in_stock FROM "
                           f"bench_record_backup AS b WHERE b.id = {record_table}.id)")  # noqa: S608
            StockAlert.objects.all().delete()
        assert stock_now() == initial

    def check(label: str) -> int:
        got = stock_now()
        wrong = {pk: (got[pk], units) for pk, units in wanted.items() if got[pk] != units}
        ledger = dict(StockMovement.objects.filter(stock__warehouse=location).values("stock_id")
                      .annotate(total=Sum("on_hand_delta")).values_list("stock_id", "total"))
        unbalanced = {pk for pk, units in got.items() if ledger.get(pk, 0) != units}
        moved = StockMovement.objects.filter(pk__gt=opening_max).count()
        if wrong or unbalanced or moved != differing:
            print(f"{label}: {len(wrong)} rows not at the level sent (e.g. {list(wrong.items())[:5]}), "
                  f"{len(unbalanced)} rows off their ledger, {moved} movements for {differing} differences",
                  file=sys.stderr)
            return 1
        return 0

    values = ", ".join(f"({pk}, {units})" for pk, units in sorted(wanted.items()))
    insert_sql = f"""
        INSERT INTO {movement_table} (stock_id, kind, on_hand_delta, allocated_delta, on_hand_after, actor_id,
                                      reason, reference, order_id, at)
        SELECT ws.id, 'adjust', v.level - ws.on_hand, 0, v.level, %s, 'ERP sync', 'BASELINE', NULL, %s
        FROM {stock_table} AS ws JOIN (VALUES {values}) AS v (id, level) ON v.id = ws.id
        WHERE v.level <> ws.on_hand"""  # noqa: S608
    if connection.vendor == "postgresql":
        update_sql = f"""
            UPDATE {stock_table} AS ws SET on_hand = v.level FROM (VALUES {values}) AS v (id, level)
            WHERE v.id = ws.id AND v.level <> ws.on_hand"""  # noqa: S608
    else:  # SQLite names a VALUES list's columns column1, column2: give them names through a CTE
        insert_sql = insert_sql.replace(f"(VALUES {values}) AS v (id, level)", "v")
        insert_sql = f"WITH v (id, level) AS (VALUES {values}) " + insert_sql.strip()
        update_sql = f"""
            WITH v (id, level) AS (VALUES {values})
            UPDATE {stock_table} SET on_hand = v.level FROM v
            WHERE v.id = {stock_table}.id AND v.level <> {stock_table}.on_hand"""  # noqa: S608

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    ours = base = float("inf")
    for _attempt in range(RUNS):  # the best of a few: a short run is easily disturbed by other work
        restore()
        started = time.perf_counter()
        response = client.post("/api/v1/stock/bulk/", body, content_type="application/json")
        ours = min(ours, time.perf_counter() - started)
        if response.status_code != 200 or response.json()["changed"] != differing:
            print(f"ours: the API answered {response.status_code}: {response.content[:500]!r}", file=sys.stderr)
            return 1
        if check("ours"):
            return 1
        ours_result = stock_now()

        restore()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_sql, [actor.pk, timezone.now()])
            cursor.execute(update_sql)
        base = min(base, time.perf_counter() - started)
        if check("baseline"):
            return 1
        if stock_now() != ours_result:
            print("ours and the baseline end with different stock", file=sys.stderr)
            return 1

    ours_rate, base_rate = sku_count / ours, sku_count / base
    print(f"ours: one API request of {sku_count:,} SKUs ({differing:,} changes) in {ours:.3f} s; baseline INSERT ... "
          f"SELECT + UPDATE ... FROM (VALUES ...): {base:.3f} s; both end with identical stock")
    print(f"api_stock_bulk: ratio={base_rate / ours_rate:.2f} (ours {ours_rate:,.0f} rows/s, baseline "
          f"{base_rate:,.0f} rows/s, {sku_count} SKUs, {engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
