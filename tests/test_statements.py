"""Statements: a party's postings between an opening and a closing balance, checked by hand against one order
(paid, partly refunded, settled); exports that do not change once the period has ended; the finance pages of
both portals and of the operator; the distributor overview's earnings read from the ledger."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from oscar.templatetags.currency_filters import currency

from payments.selectors import order_payment
from payments.services import payment_refund
from settlement.exports import statement_csv, statement_xlsx
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import Maturity, PostingKind, Purpose, TransactionKind
from settlement.runs import settlement_run
from settlement.selectors import party_balances
from settlement.statements import day_start, period_from, statement
from tests import test_returns

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def money(amount) -> str:
    return f"CN¥{Decimal(amount):,.2f}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def adjust(party, amount, *, at, key):
    """A posting on the party's available balance at a chosen moment (against the platform's suspense)."""
    ledger_post(key=key, kind=TransactionKind.ADJUSTMENT, at=at, memo=key, legs=[
        Leg(account_for(party=party, purpose=Purpose.AVAILABLE, currency="CNY"), D(amount), PostingKind.ADJUSTMENT),
        Leg(account_for(party=None, purpose=Purpose.SUSPENSE, currency="CNY"), -D(amount), PostingKind.ADJUSTMENT)])


def settle():
    return settlement_run()


def test_an_order_paid_refunded_and_settled_reads_to_the_cent(placed):
    settle()  # what the demo already has due is settled first: the next run settles only our order
    supplier = placed.lines.first().supplier
    day, tomorrow = today(), today() + timedelta(days=1)
    before = statement(party=supplier, start=day, end=tomorrow)
    seen = {line.pk for line in before.lines}

    # 2 × LST-a (wholesale 10.00) + 1 × LST-b (18.00): 38.00 to the supplier, and the store's 10.00 delivery
    # charge too, as the supplier ships the goods from its warehouse
    test_returns.pay(placed)
    payment = order_payment(order=placed)
    assert payment.amount == D("84.00")  # 74.00 of goods and the store's 10.00 delivery charge
    payment_refund(payment=payment, amount=D("21.00"), reason="goodwill", key="stmt-1")
    Maturity.objects.filter(order=placed).update(matures_at=timezone.now() - timedelta(days=1))
    run = settle()

    after = statement(party=supplier, start=day, end=tomorrow)
    new = [line for line in after.lines if line.pk not in seen and line.amount]
    # the refund takes back 21/84 of each share: 20.00 → 5.00, 18.00 → 4.50, 10.00 → 2.50; the rest (36.00) matures
    assert sorted((line.kind, line.state, line.amount) for line in new) == sorted([
        (PostingKind.WHOLESALE, Purpose.PENDING, D("20.00")), (PostingKind.WHOLESALE, Purpose.PENDING, D("18.00")),
        (PostingKind.SHIPPING, Purpose.PENDING, D("10.00")),
        (PostingKind.REVERSAL, Purpose.PENDING, D("-5.00")), (PostingKind.REVERSAL, Purpose.PENDING, D("-4.50")),
        (PostingKind.REVERSAL, Purpose.PENDING, D("-2.50")),
        (PostingKind.SETTLEMENT, Purpose.PENDING, D("-36.00")),
        (PostingKind.SETTLEMENT, Purpose.AVAILABLE, D("36.00"))]), [
            (line.kind, line.state, line.amount, line.reference) for line in new]
    references = {line.kind: line.reference for line in new}
    assert references[PostingKind.WHOLESALE] == f"Order {placed.number}"
    assert references[PostingKind.REVERSAL] == f"Refund stmt-1 of order {placed.number}"
    assert references[PostingKind.SETTLEMENT] == f"Settlement run #{run.pk}"

    assert after.opening == before.opening
    assert after.closing.total - before.closing.total == D("36.00")
    assert after.closing.pending == before.closing.pending
    assert after.closing.available - before.closing.available == D("36.00")
    # opening + movements = closing, overall and per state; the running balance ends on the closing balance
    assert after.opening.total + sum(line.amount for line in after.lines) == after.closing.total
    for state in (Purpose.PENDING, Purpose.AVAILABLE, Purpose.WITHDRAWING):
        assert getattr(after.opening, state) + sum(line.amount for line in after.lines if line.state == state) == \
            getattr(after.closing, state)
    assert after.lines[-1].balance == after.closing.total
    assert after.closing == party_balances(party=supplier), "nothing is posted after today"
    keys = [(line.posted_at, line.pk) for line in after.lines]
    assert keys == sorted(keys)


def test_a_statement_costs_the_same_few_queries_however_long(placed, django_assert_max_num_queries):
    test_returns.pay(placed)
    supplier = placed.lines.first().supplier
    with django_assert_max_num_queries(3):
        report = statement(party=supplier, start=today() - timedelta(days=40), end=today() + timedelta(days=1))
        assert len({line.reference for line in report.lines}) >= 1


def test_a_closed_period_exports_the_same_bytes_every_time(demo, placed):
    supplier = placed.lines.first().supplier
    midnight = day_start(today())
    adjust(supplier, "5.00", at=midnight - timedelta(hours=2), key="stmt-late-yesterday")
    start, end = today() - timedelta(days=3), today()
    first = statement(party=supplier, start=start, end=end)
    assert first.closed
    csv_bytes, xlsx_bytes = statement_csv(first), statement_xlsx(first)

    # later activity: a posting 30 minutes into today (still yesterday in UTC) and a paid order, both outside
    adjust(supplier, "7.00", at=midnight + timedelta(minutes=30), key="stmt-early-today")
    test_returns.pay(placed)
    again = statement(party=supplier, start=start, end=end)
    assert statement_csv(again) == csv_bytes
    assert statement_xlsx(again) == xlsx_bytes
    today_only = statement(party=supplier, start=today(), end=today() + timedelta(days=1))
    assert D("7.00") in [line.amount for line in today_only.lines]
    assert D("7.00") not in [line.amount for line in again.lines]
    assert today_only.opening.total == again.closing.total

    # the CSV: a byte-order mark, a header, the opening row, each movement, the closing row
    assert csv_bytes.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert table[0] == ["Date", "Time", "Description", "Balance state", "Reference", "Amount", "Balance"]
    assert table[1][2] == "Opening balance" and table[1][6] == f"{first.opening.total:.2f}"
    assert table[-1][2] == "Closing balance" and table[-1][6] == f"{first.closing.total:.2f}"
    assert len(table) == len(first.lines) + 3
    assert [(row[0], row[1], row[5]) for row in table if row[4] == "stmt-late-yesterday"] == [
        ((midnight - timedelta(days=1)).date().isoformat(), "22:00:00", "5.00")]

    # the workbook: the same rows, money as numbers shown with two decimals
    sheet = load_workbook(io.BytesIO(xlsx_bytes)).active
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == table[0]
    assert len(values) == len(table)
    for row, csv_row in zip(values[1:], table[1:], strict=True):
        assert [v or "" for v in row[:5]] == csv_row[:5]
        assert D(str(row[6])).quantize(D("0.01")) == D(csv_row[6])
    assert isinstance(values[-1][6], (int, float))
    assert sheet.cell(row=sheet.max_row, column=7).number_format == "#,##0.00"


def test_the_supplier_sees_its_own_finance_page_and_never_the_operators(placed, signed_in):
    test_returns.pay(placed)
    supplier = placed.lines.first().supplier
    client = signed_in("supplier@demo.test")
    response = client.get(reverse("supplier:finance"))
    assert response.status_code == 200
    page = text_of(response)
    balances = party_balances(party=supplier)
    assert response.context["party"] == supplier
    assert money(balances.pending) in page and money(balances.available) in page
    assert f"Order {placed.number}" in page
    assert "Withdrawals" in page and reverse("supplier:withdrawal-list") in response.content.decode()
    month = today().replace(day=1)
    assert f"Statement {month:%Y-%m-%d}" in page
    csv_link = response.context["csv_url"]
    download = client.get(csv_link)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert f"Order {placed.number}".encode() in download.content
    xlsx = client.get(response.context["xlsx_url"])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    # the operator sees the same statement for the party; the supplier user gets 404 on the operator's pages
    operator = signed_in("operator@demo.test")
    kwargs = {"kind": "supplier", "pk": supplier.pk}
    assert client.get(reverse("dashboard:mp-statement-party", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("dashboard:mp-statement-party-csv", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("dashboard:mp-statement-parties")).status_code == 404
    listing = operator.get(reverse("dashboard:mp-statement-parties"), {"q": supplier.name})
    assert listing.status_code == 200 and supplier.name in text_of(listing)
    assert reverse("dashboard:mp-statement-party", kwargs=kwargs) in listing.content.decode()
    their = operator.get(reverse("dashboard:mp-statement-party", kwargs=kwargs))
    assert their.status_code == 200 and f"Order {placed.number}" in text_of(their)
    operator_csv = operator.get(reverse("dashboard:mp-statement-party-csv", kwargs=kwargs),
                                {"month": f"{month:%Y-%m}"})
    assert operator_csv.content == download.content
    assert operator.get(reverse("dashboard:mp-statement-party", kwargs={"kind": "store", "pk": 1})).status_code \
        == 404

    # another supplier's user sees its own statement, without this order
    other = signed_in("grain@demo.test").get(reverse("supplier:finance"))
    assert other.status_code == 200 and other.context["party"].slug == "golden-grain"
    assert f"Order {placed.number}" not in text_of(other)


@pytest.mark.parametrize("query, message", [
    ({"from": "2026-05-10", "to": "2026-05-01"}, "The period ends before it starts."),
    ({"month": "May 2026"}, "is not a month"),
    ({"from": "yesterday", "to": "2026-05-01"}, "Enter the dates as YYYY-MM-DD."),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "Choose a period of at most 366 days."),
    ({"from": "0001-01-01", "to": "0001-01-02"}, "Choose dates from 2000 onwards."),
])
def test_bad_periods_say_so_and_show_this_month(query, message, signed_in):
    response = signed_in("distributor@demo.test").get(reverse("distributor:finance"), query)
    assert response.status_code == 200
    page = text_of(response)
    assert message in page and "Showing this month." in page
    assert f"Statement {today().replace(day=1):%Y-%m-%d}" in page
    export = signed_in("distributor@demo.test").get(reverse("distributor:statement-csv"), query)
    assert export.status_code == 200


def test_periods_read_from_the_request():
    assert period_from({"month": "2026-02"}).start.isoformat() == "2026-02-01"
    assert period_from({"month": "2026-02"}).end.isoformat() == "2026-03-01"
    custom = period_from({"from": "2026-03-05", "to": "2026-03-05"})
    assert (custom.start.isoformat(), custom.end.isoformat(), custom.error) == ("2026-03-05", "2026-03-06", "")
    assert not period_from({"from": "2025-01-01", "to": "2026-01-01"}).error  # 366 days, both ends included
    assert period_from({"from": "2025-01-01", "to": "2026-01-02"}).error


def test_the_distributor_overview_reads_its_earnings_from_the_ledger(placed, sunrise, dealer):
    from django.test import Client

    client = Client()
    client.force_login(dealer)
    before = party_balances(party=sunrise)
    test_returns.pay(placed)
    adjust(sunrise, "-3.50", at=timezone.now(), key="stmt-sunrise-clawback")
    balances = party_balances(party=sunrise)
    assert balances.pending > before.pending
    html = client.get(reverse("distributor:home")).content.decode()

    def card(name):
        return re.search(rf'id="earnings-{name}"><div class="figure"[^>]*>(.*?)</div>', html, re.S).group(1)

    assert card("pending") == currency(balances.pending, "CNY")
    assert card("available") == currency(balances.available, "CNY")
    assert card("withdrawing") == currency(balances.withdrawing, "CNY")
    assert "Withdrawal requested" in html and "Withdrawn" not in html
    finance = client.get(reverse("distributor:finance"))
    assert finance.context["balances"] == balances
