"""A settlement run over 1,000,000 order lines against one set-based SQL aggregate of the same per-party totals.

    .venv/bin/python bench/settle.py            # 1,000,000 lines, on a throwaway PostgreSQL (localengines.py)
    .venv/bin/python bench/settle.py --quick    # 40,000 lines, well under a minute
    .venv/bin/python bench/settle.py --sqlite   # on SQLite instead (also used when PostgreSQL is missing)

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (tables from the models), then with SQL
`generate_series`: 50 suppliers and 200 distributors with their ledger accounts, one order per 4 lines (one store's
part each, so one `Maturity` per order; 70 % of them past their return window, the rest still pending), one
payment transaction per order and five postings per line, as the payment split writes them (supplier +wholesale,
distributor +margin and −commission on their pending accounts; the platform's +commission and the cash −retail).
Oscar order lines themselves are not built: settlement reads postings and maturities, never lines. The tables come
from the models (no migrations), so the maturity table's fillfactor of migration 0004 is set here by hand.

It times (best of 3, the books restored between runs):
- ours: `settlement.runs.settlement_run` — the advisory lock, marking due maturities in chunks of 5,000 ids, one
  GROUP BY per chunk of pending accounts, one settlement transaction (two postings) per party, progress kept on
  the run row;
- baseline: one SELECT of the same per-account totals (postings joined to due maturities, pending accounts,
  GROUP BY account), which writes nothing.
Both must agree account by account. The last line is `settle: ratio=X.XX (...)`, ratio = our time / baseline.
"""

import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchkit import line_args, on_fresh_database, series  # noqa: E402  (needs platform/ on the path first)

RUNS = 3
SUPPLIERS, DISTRIBUTORS, LINES_PER_ORDER = 50, 200, 4


def main(argv=None) -> int:
    return on_fresh_database(line_args(argv, description=__doc__.split("\n\n")[0]), run, name="settle")


def build(lines: int, engine: str, cutoff) -> None:
    """Parties, accounts, orders, maturities, payment transactions and five postings per line, in SQL."""
    from django.db import connection, transaction
    from oscar.core.loading import get_model

    from parties.models import Distributor, Store, Supplier
    from settlement.ledger import account_for
    from settlement.models import Account, LedgerTransaction, Maturity, Posting, Purpose

    Partner = get_model("partner", "Partner")
    Order = get_model("order", "Order")
    orders = lines // LINES_PER_ORDER
    suppliers = [Supplier.objects.create(name=f"S{i}", slug=f"s{i}", partner=Partner.objects.create(name=f"S{i}"))
                 for i in range(SUPPLIERS)]
    distributors = [Distributor.objects.create(name=f"D{i}", slug=f"d{i}") for i in range(DISTRIBUTORS)]
    stores = [Store.objects.create(name=f"T{i}", slug=f"t{i}", distributor=d) for i, d in enumerate(distributors)]
    pending_s = [account_for(party=s, purpose=Purpose.PENDING, currency="CNY").pk for s in suppliers]
    pending_d = [account_for(party=d, purpose=Purpose.PENDING, currency="CNY").pk for d in distributors]
    cash = account_for(party=None, purpose=Purpose.CASH, currency="CNY").pk
    commission = account_for(party=None, purpose=Purpose.COMMISSION, currency="CNY").pk
    assert pending_s == list(range(pending_s[0], pending_s[0] + SUPPLIERS))
    assert pending_d == list(range(pending_d[0], pending_d[0] + DISTRIBUTORS))
    tables = {model: model._meta.db_table for model in (Order, Maturity, LedgerTransaction, Posting, Account)}
    first_store = stores[0].pk
    later = connection.ops.adapt_datetimefield_value(cutoff.replace(year=cutoff.year + 1))
    cutoff = connection.ops.adapt_datetimefield_value(cutoff)  # as Django stores it (SQLite compares text)
    # per line k (1..4) of order i: retail 20 + (i + k) % 50, wholesale 60 %, commission 5 % (cents exact)
    retail = "(20 + (s.i + k.k) %% 50)"
    with transaction.atomic(), connection.cursor() as cursor:
        if engine == "PostgreSQL":  # what migration 0004 sets: room on each page for the run's HOT updates
            cursor.execute(f"ALTER TABLE {tables[Maturity]} SET (fillfactor = 70)")
        cursor.execute(f"""
            INSERT INTO {tables[Order]} (id, number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                shipping_excl_tax, shipping_method, shipping_code, status, guest_email, date_placed, analytics_tracked)
            SELECT s.i, 'B' || s.i, 'CNY', 100, 100, 0, 0, '', '', 'Paid', '', %s, false FROM {series(engine, orders)}
        """, [cutoff])
        # 70 % of the orders are past their window at the cutoff, 30 % not yet
        cursor.execute(f"""
            INSERT INTO {tables[Maturity]} (id, order_id, store_id, matures_at, settled_run_id)
            SELECT s.i, s.i, {first_store} + s.i %% {DISTRIBUTORS},
                   CASE WHEN s.i %% 10 < 7 THEN %s ELSE %s END, NULL FROM {series(engine, orders)}
        """, [cutoff, later])
        cursor.execute(f"""
            INSERT INTO {tables[LedgerTransaction]} (id, key, kind, memo, order_id, posted_at)
            SELECT s.i, 'payment:' || s.i, 'payment', '', s.i, %s FROM {series(engine, orders)}
        """, [cutoff])
        legs = [  # (account expression, amount expression, kind, pending?)
            (f"{pending_s[0]} + (s.i + k.k) %% {SUPPLIERS}", f"{retail} * 0.60", "wholesale", True),
            (f"{pending_d[0]} + s.i %% {DISTRIBUTORS}", f"{retail} * 0.40", "margin", True),
            (f"{pending_d[0]} + s.i %% {DISTRIBUTORS}", f"-{retail} * 0.05", "commission", True),
            (str(commission), f"{retail} * 0.05", "commission", False),
            (str(cash), f"-{retail}", "payment", False),
        ]
        k_values = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, LINES_PER_ORDER + 1))
        for account, amount, kind, pending in legs:
            cursor.execute(f"""
                INSERT INTO {tables[Posting]} (transaction_id, account_id, amount, currency, kind, order_id,
                    maturity_id, posted_at)
                SELECT s.i, {account}, {amount}, 'CNY', '{kind}', s.i, {"s.i" if pending else "NULL"}, %s
                FROM {series(engine, orders)} CROSS JOIN ({k_values}) AS k
            """, [cutoff])
    if engine == "PostgreSQL":  # rows were given their ids: move the id sequences past them
        with connection.cursor() as cursor:
            for table in (tables[Order], tables[Maturity], tables[LedgerTransaction]):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute("ANALYZE")


def run(lines: int, *, engine: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone

    from payments.money import quantize
    from settlement.models import LedgerTransaction, Maturity, Posting, Purpose, SettlementRun
    from settlement.runs import settlement_run

    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)

    cutoff = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    build(lines, engine, cutoff)
    postings = Posting.objects.count()
    print(f"built {lines:,} order lines ({lines // LINES_PER_ORDER:,} orders, {postings:,} postings) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    baseline_sql = f"""
        SELECT p.account_id, SUM(p.amount) FROM {Posting._meta.db_table} p
        JOIN {Maturity._meta.db_table} m ON m.id = p.maturity_id
        JOIN mp_settlement_account a ON a.id = p.account_id
        WHERE m.settled_run_id IS NULL AND m.matures_at <= %s AND a.purpose = 'pending'
        GROUP BY p.account_id
    """

    def restore() -> None:
        runs = SettlementRun.objects.all()
        Posting.objects.filter(transaction__run__in=runs).delete()
        LedgerTransaction.objects.filter(run__in=runs).delete()
        Maturity.objects.update(settled_run=None)
        runs.delete()

    ours = base = float("inf")
    expected = made_available = None
    for _ in range(RUNS):
        restore()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, [connection.ops.adapt_datetimefield_value(cutoff)])
            rows = cursor.fetchall()
        base = min(base, time.perf_counter() - started)
        expected = {account: quantize(total) for account, total in rows}

        started = time.perf_counter()
        run = settlement_run(cutoff=cutoff)
        ours = min(ours, time.perf_counter() - started)
        made_available = {account: quantize(total) for account, total in
                          Posting.objects.filter(transaction__run=run, account__purpose=Purpose.PENDING)
                          .values("account").annotate(total=Sum("amount")).values_list("account", "total")}
        made_available = {account: -total for account, total in made_available.items()}
        if made_available != expected:
            print("the run and the aggregate disagree on some party's total", file=sys.stderr)
            return 1
        if quantize(Posting.objects.aggregate(t=Sum("amount"))["t"]) != Decimal("0.00"):
            print("the ledger does not sum to zero", file=sys.stderr)
            return 1
    total = sum(expected.values(), Decimal("0"))
    print(f"ours: settlement_run matured {run.maturities:,} order parts and credited {run.accounts_done} parties "
          f"{total:,} in {ours:.3f} s; baseline GROUP BY of the same totals: {base:.3f} s; identical per party")
    print(f"settle: ratio={ours / base:.2f} (ours {ours:.3f} s, baseline {base:.3f} s, {lines} lines, "
          f"{postings} postings, {len(expected)} parties, {engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
