"""The analytics overview and the contribution report over 1,000,000 order lines against the raw SQL behind them.

    .venv/bin/python bench/reports.py            # 1,000,000 lines, on a throwaway PostgreSQL (localengines.py)
    .venv/bin/python bench/reports.py --quick    # 40,000 lines
    .venv/bin/python bench/reports.py --sqlite   # on SQLite instead (also used when PostgreSQL is missing)

Each run builds a fresh database in a temporary MARKETPLACE_VAR_DIR (tables from the models, as bench/settle.py),
then with set-based SQL: 50 suppliers, 200 distributors with one store each (every other one a physical shop),
one order per 4 lines, all of one store, paid over the last 60 days (1 in 50 never paid, 1 in 20 refunded in full
the next day), a delivery charge on two orders in three, and on every line of a paid order the ledger postings the
reports read (platform commission and the distributor's share of it; a team bonus on one line in ten; the
refund's reversals).

It times (best of 3) the two pages rendered through Django's test Client, signed in as an operator, for the last
30 days:
- ours: GET /dashboard/analytics/ and GET /dashboard/analytics/contribution/ (form, selectors, template);
- baseline: the same figures by hand-written SQL statements run on the cursor (no ORM, no template).
Figures of both must agree (GMV, orders and refunded of the overview; total sales, orders and contribution of
the report). The last line is `reports: ratio=X.XX (...)`, ratio = our time / baseline.
"""

import re
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchkit import line_args, on_fresh_database, series  # noqa: E402  (needs platform/ on the path first)

RUNS = 3
SUPPLIERS, DISTRIBUTORS, LINES_PER_ORDER, DAYS = 50, 200, 4, 60


def main(argv=None) -> int:
    return on_fresh_database(line_args(argv, description=__doc__.split("\n\n")[0]), run, name="reports")


def plus_hours(engine: str, base: str, hours: str) -> str:
    """`base` (a parameter placeholder) + `hours` hours, as the engine stores datetimes."""
    if engine == "PostgreSQL":
        return f"({base}::timestamptz + ({hours}) * interval '1 hour')"
    return f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', {base}, '+' || ({hours}) || ' hours')"


def local_day(engine: str, column: str, zone: str) -> str:
    if engine == "PostgreSQL":
        return f"({column} AT TIME ZONE '{zone}')::date"
    return f"django_datetime_cast_date({column}, '{zone}', 'UTC')"


def execute(cursor, statement: str) -> None:
    """A statement without parameters: its doubled percent signs are plain ones (no formatting happens)."""
    cursor.execute(statement.replace("%%", "%"))


def build(lines: int, engine: str, start) -> None:
    """Parties, accounts, orders, lines, payments, delivery charges and postings, in SQL."""
    from django.db import connection, transaction
    from oscar.core.loading import get_model

    from parties.models import Distributor, Store, Supplier
    from payments.models import Payment
    from settlement.ledger import account_for
    from settlement.models import LedgerTransaction, Posting, Purpose
    from storefront.models import OrderShipping

    Partner, Order, Line = get_model("partner", "Partner"), get_model("order", "Order"), get_model("order", "Line")
    orders = lines // LINES_PER_ORDER
    suppliers = [Supplier.objects.create(name=f"S{i}", slug=f"s{i}", partner=Partner.objects.create(name=f"S{i}"))
                 for i in range(SUPPLIERS)]
    distributors = [Distributor.objects.create(name=f"D{i}", slug=f"d{i}") for i in range(DISTRIBUTORS)]
    stores = [Store.objects.create(name=f"T{i}", slug=f"t{i}", distributor=d,
                                   channel="offline" if i % 2 else "online") for i, d in enumerate(distributors)]
    pending_d = [account_for(party=d, purpose=Purpose.PENDING, currency="CNY").pk for d in distributors]
    assert pending_d == list(range(pending_d[0], pending_d[0] + DISTRIBUTORS))
    commission = account_for(party=None, purpose=Purpose.COMMISSION, currency="CNY").pk
    bonus = account_for(party=None, purpose=Purpose.TEAM_BONUS, currency="CNY").pk
    t = {m: m._meta.db_table for m in (Order, Line, Payment, OrderShipping, LedgerTransaction, Posting)}
    first_store, first_supplier = stores[0].pk, suppliers[0].pk
    base = connection.ops.adapt_datetimefield_value(start)
    paid_at = plus_hours(engine, "%s", f"(s.i %% {DAYS}) * 24 + s.i %% 20")
    refunded_at = plus_hours(engine, "%s", f"(s.i %% {DAYS}) * 24 + s.i %% 20 + 24")
    # line k (1..4) of order i: retail 20 + (i + k) % 50, 2.00 off on line 4, wholesale 60 %, commission 5 %
    retail, paid = "(20 + (s.i + k.k) %% 50)", "(20 + (s.i + k.k) %% 50 - CASE WHEN k.k = 4 THEN 2 ELSE 0 END)"
    store = f"{first_store} + s.i %% {DISTRIBUTORS}"
    k_values = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, LINES_PER_ORDER + 1))
    unpaid, refunded = "s.i %% 50 = 0", "s.i %% 20 = 1"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {t[Order]} (id, number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                shipping_excl_tax, shipping_method, shipping_code, status, guest_email, date_placed, analytics_tracked)
            SELECT s.i, 'R' || s.i, 'CNY', 100, 100, 0, 0, '', '', 'Paid', 'g' || (s.i %% 5000) || '@bench.test',
                   {paid_at}, false FROM {series(engine, orders)}
        """, [base])
        execute(cursor, f"""
            INSERT INTO {t[Line]} (id, order_id, partner_name, partner_sku, partner_line_reference, partner_line_notes,
                title, quantity, line_price_incl_tax, line_price_excl_tax, line_price_before_discounts_incl_tax,
                line_price_before_discounts_excl_tax, status, num_allocated, allocation_cancelled, store_id,
                supplier_id, wholesale_price)
            SELECT (s.i - 1) * {LINES_PER_ORDER} + k.k, s.i, '', 'SKU' || k.k, '', '', 'Tea ' || k.k, 1, {paid},
                   {paid}, {retail}, {retail}, '', 0, false, {store}, {first_supplier} + (s.i + k.k) %% {SUPPLIERS},
                   {retail} * 0.60
            FROM {series(engine, orders)} CROSS JOIN ({k_values}) AS k
        """)
        cursor.execute(f"""
            INSERT INTO {t[Payment]} (id, order_id, method, amount, currency, status, amount_refunded, reference,
                client_secret, failure_reason, duplicate, paid_at, created_at)
            SELECT s.i, s.i, 'offline', 100, 'CNY',
                   CASE WHEN {unpaid} THEN 'pending' WHEN {refunded} THEN 'refunded' ELSE 'paid' END,
                   CASE WHEN {refunded} THEN 100 ELSE 0 END, '', '', '', false,
                   CASE WHEN {unpaid} THEN NULL ELSE {paid_at} END, {paid_at}
            FROM {series(engine, orders)}
        """, [base, base])
        execute(cursor, f"""
            INSERT INTO {t[OrderShipping]} (order_id, store_id, charge, items_total)
            SELECT s.i, {store}, CASE WHEN s.i %% 3 = 0 THEN 0 ELSE 8 END, 100 FROM {series(engine, orders)}
        """)
        cursor.execute(f"""
            INSERT INTO {t[LedgerTransaction]} (id, key, kind, memo, order_id, posted_at)
            SELECT s.i, 'payment:' || s.i, 'payment', '', s.i, {paid_at} FROM {series(engine, orders)}
            WHERE NOT ({unpaid})
        """, [base])
        cursor.execute(f"""
            INSERT INTO {t[LedgerTransaction]} (id, key, kind, memo, order_id, posted_at)
            SELECT {orders} + s.i, 'refund:' || s.i, 'refund', '', s.i, {refunded_at} FROM {series(engine, orders)}
            WHERE {refunded} AND NOT ({unpaid})
        """, [base])
        line_id = f"(s.i - 1) * {LINES_PER_ORDER} + k.k"
        legs = [  # (account, amount, kind, transaction, when, condition)
            (str(commission), f"{paid} * 0.05", "commission", "s.i", paid_at, "1 = 1"),
            (f"{pending_d[0]} + s.i %% {DISTRIBUTORS}", f"-{paid} * 0.05", "commission", "s.i", paid_at, "1 = 1"),
            (str(bonus), "-1", "bonus", "s.i", paid_at, "k.k = 1 AND s.i %% 10 = 0"),
            (f"{pending_d[0]} + (s.i + 1) %% {DISTRIBUTORS}", "1", "bonus", "s.i", paid_at,
             "k.k = 1 AND s.i %% 10 = 0"),
            (str(commission), f"-{paid} * 0.05", "reversal", f"{orders} + s.i", refunded_at, refunded),
            (f"{pending_d[0]} + s.i %% {DISTRIBUTORS}", f"-{paid} * 0.95", "reversal", f"{orders} + s.i", refunded_at,
             refunded),
        ]
        for account, amount, kind, transaction_id, when, condition in legs:
            cursor.execute(f"""
                INSERT INTO {t[Posting]} (transaction_id, account_id, amount, currency, kind, order_id, line_id,
                    posted_at)
                SELECT {transaction_id}, {account}, {amount}, 'CNY', '{kind}', s.i, {line_id}, {when}
                FROM {series(engine, orders)} CROSS JOIN ({k_values}) AS k
                WHERE NOT ({unpaid}) AND {condition}
            """, [base])
    if engine == "PostgreSQL":
        with connection.cursor() as cursor:
            for table in (t[Order], t[Line], t[Payment], t[LedgerTransaction]):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute("ANALYZE")


def baseline(engine: str, zone: str, windows: dict) -> dict:
    """The overview's and the report's figures by hand-written SQL; {name: value}."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    since = adapt(min(a for a, _ in windows.values()))
    until = adapt(max(b for _, b in windows.values()))
    start, end = (adapt(v) for v in windows["period"])
    prev_start = adapt(windows["previous"][0])
    counted = ("p.status IN ('paid', 'partially_refunded', 'refunded') AND NOT p.duplicate "
               "AND p.paid_at >= %s AND p.paid_at < %s")
    out: dict = {}
    with connection.cursor() as cursor:
        parts, params = [], []
        for a, b in windows.values():
            inside = "p.paid_at >= %s AND p.paid_at < %s"
            parts += [f"SUM(CASE WHEN {inside} THEN l.line_price_incl_tax END)",
                      f"COUNT(DISTINCT CASE WHEN {inside} THEN l.order_id END)",
                      f"COUNT(DISTINCT CASE WHEN {inside} AND o.user_id IS NULL THEN o.guest_email END)",
                      f"COUNT(DISTINCT CASE WHEN {inside} THEN l.store_id END)"]
            params += [adapt(a), adapt(b)] * 4
        cursor.execute(f"SELECT {', '.join(parts)} FROM order_line l JOIN order_order o ON o.id = l.order_id "
                       f"JOIN mp_payments_payment p ON p.order_id = l.order_id WHERE {counted}",
                       [*params, since, until])
        row = cursor.fetchone()
        out["gmv_goods"], out["orders"] = Decimal(str(row[0] or 0)), row[1]
        cursor.execute(f"SELECT SUM(CASE WHEN p.paid_at >= %s AND p.paid_at < %s THEN s.charge END) "
                       f"FROM mp_storefront_ordershipping s JOIN mp_payments_payment p ON p.order_id = s.order_id "
                       f"WHERE {counted}", [start, end, since, until])
        out["gmv"] = out["gmv_goods"] + Decimal(str(cursor.fetchone()[0] or 0))
        cursor.execute("SELECT SUM(CASE WHEN posted_at >= %s AND posted_at < %s THEN amount END) "
                       "FROM mp_settlement_posting WHERE kind = 'reversal' AND line_id IS NOT NULL "
                       "AND posted_at >= %s AND posted_at < %s", [start, end, since, until])
        out["refunded"] = -Decimal(str(cursor.fetchone()[0] or 0))
        day = local_day(engine, "p.paid_at", zone)
        cursor.execute(f"SELECT {day}, SUM(l.line_price_incl_tax), COUNT(DISTINCT l.order_id) FROM order_line l "
                       f"JOIN mp_payments_payment p ON p.order_id = l.order_id WHERE {counted} GROUP BY 1",
                       [start, end])
        cursor.fetchall()
        cursor.execute(f"SELECT {day}, SUM(s.charge) FROM mp_storefront_ordershipping s "
                       f"JOIN mp_payments_payment p ON p.order_id = s.order_id WHERE {counted} GROUP BY 1",
                       [start, end])
        cursor.fetchall()
        for group in ("l.store_id", "l.product_id", "t.channel"):
            cursor.execute(f"SELECT {group}, SUM(l.line_price_incl_tax), COUNT(DISTINCT l.order_id) FROM order_line l "
                           f"JOIN mp_parties_store t ON t.id = l.store_id "
                           f"JOIN mp_payments_payment p ON p.order_id = l.order_id WHERE {counted} "
                           f"GROUP BY 1 ORDER BY 2 DESC LIMIT 10", [start, end])
            cursor.fetchall()
        # the report: per store, the lines (this period and the one before) and the postings on its lines
        marker = time.perf_counter()
        cursor.execute(f"""
            SELECT l.store_id, SUM(CASE WHEN p.paid_at >= %s THEN l.line_price_incl_tax END),
                   SUM(CASE WHEN p.paid_at < %s THEN l.line_price_incl_tax END),
                   COUNT(DISTINCT CASE WHEN p.paid_at >= %s THEN l.order_id END),
                   SUM(CASE WHEN p.paid_at >= %s THEN l.line_price_before_discounts_incl_tax
                            - COALESCE(l.wholesale_price, 0) * l.quantity END)
            FROM order_line l JOIN mp_payments_payment p ON p.order_id = l.order_id WHERE {counted}
            GROUP BY l.store_id""", [start, start, start, start, prev_start, end])
        rows = cursor.fetchall()
        cursor.execute("""
            SELECT l.store_id, SUM(CASE WHEN x.kind = 'reversal' THEN x.amount END),
                   SUM(CASE WHEN a.holder = 'platform' AND a.purpose IN ('promotions', 'team_bonus') THEN x.amount END),
                   SUM(CASE WHEN a.holder = 'platform' AND a.purpose IN ('commission', 'promotions', 'team_bonus')
                            THEN x.amount END)
            FROM mp_settlement_posting x JOIN order_line l ON l.id = x.line_id
            JOIN mp_settlement_account a ON a.id = x.account_id
            WHERE x.posted_at >= %s AND x.posted_at < %s GROUP BY l.store_id""", [start, end])
        postings = cursor.fetchall()
        out["report_seconds"] = time.perf_counter() - marker
        out["sales"] = sum((Decimal(str(r[1] or 0)) for r in rows), Decimal("0")).quantize(Decimal("0.01"))
        out["report_orders"] = sum(r[3] for r in rows)
        out["contribution"] = sum((Decimal(str(r[3] or 0)) for r in postings), Decimal("0")).quantize(Decimal("0.01"))
    out["gmv"] = out["gmv"].quantize(Decimal("0.01"))
    out["refunded"] = out["refunded"].quantize(Decimal("0.01"))
    return out


def figure(html: str, name: str) -> str:
    block = html[html.index(f'id="fig-{name}"'):]
    return re.search(r'class="figure">([^<]*)<', block).group(1)


def run(lines: int, *, engine: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from reports.forms import ReportFilterForm
    from settlement.finance_selectors import period_bounds

    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"{engine}: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)

    today = timezone.localdate()
    first_day = today - timedelta(days=DAYS - 1)
    started = time.perf_counter()
    build(lines, engine, period_bounds(first_day, first_day)[0])
    print(f"built {lines:,} order lines ({lines // LINES_PER_ORDER:,} orders) over {DAYS} days in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    operator = get_user_model().objects.create_user(username="bench-operator", email="bench@op.test",
                                                    password="x", is_staff=True)
    client = Client()
    client.force_login(operator)
    form = ReportFilterForm({}, today=today)
    assert form.is_valid(), form.errors
    filters = form.filters()
    query = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    windows = {"period": period_bounds(filters.start, filters.end), "previous": period_bounds(*filters.previous),
               "today": period_bounds(today, today),
               "yesterday": period_bounds(today - timedelta(days=1), today - timedelta(days=1))}
    zone = settings.TIME_ZONE

    ours = {"overview": float("inf"), "contribution": float("inf")}
    base = {"overview": float("inf"), "contribution": float("inf")}
    for _ in range(RUNS):
        started = time.perf_counter()
        overview = client.get(reverse("dashboard:mp-analytics-overview"), query)
        ours["overview"] = min(ours["overview"], time.perf_counter() - started)
        started = time.perf_counter()
        report = client.get(reverse("dashboard:mp-contribution"), query)
        ours["contribution"] = min(ours["contribution"], time.perf_counter() - started)
        assert overview.status_code == report.status_code == 200
        started = time.perf_counter()
        expected = baseline(engine, zone, windows)
        elapsed = time.perf_counter() - started
        base["contribution"] = min(base["contribution"], expected["report_seconds"])
        base["overview"] = min(base["overview"], elapsed - expected["report_seconds"])
    html = overview.content.decode()
    shown = {"gmv": Decimal(figure(html, "gmv")), "orders": int(figure(html, "orders")),
             "refunded": Decimal(figure(html, "refunded"))}
    if shown != {"gmv": expected["gmv"], "orders": expected["orders"], "refunded": expected["refunded"]}:
        print(f"the overview and the SQL disagree: page {shown}, SQL {expected}", file=sys.stderr)
        return 1
    totals = re.search(r'id="totals"><td></td><td>[^<]*</td>\s*<td class="text-right">([^<]*)</td>'
                       r'<td class="text-right">([^<]*)</td>(?:\s*<td class="text-right">[^<]*</td>){4}'
                       r'\s*<td class="text-right">([^<]*)</td>', report.content.decode())
    page_totals = (Decimal(totals.group(1)), int(totals.group(2)), Decimal(totals.group(3)))
    sql_totals = (expected["sales"], expected["report_orders"], expected["contribution"])
    if page_totals != sql_totals:
        print(f"the report and the SQL disagree: page {page_totals}, SQL {sql_totals}", file=sys.stderr)
        return 1
    ours_total, base_total = ours["overview"] + ours["contribution"], base["overview"] + base["contribution"]
    print(f"overview: {ours['overview']:.3f} s (SQL {base['overview']:.3f} s), GMV {shown['gmv']:,} in "
          f"{shown['orders']:,} orders, refunded {shown['refunded']:,}; contribution: {ours['contribution']:.3f} s "
          f"(SQL {base['contribution']:.3f} s), sales {page_totals[0]:,}, platform revenue {page_totals[2]:,}; "
          f"identical")
    print(f"reports: ratio={ours_total / base_total:.2f} (ours {ours_total:.3f} s, baseline {base_total:.3f} s, "
          f"{lines} lines, {engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
