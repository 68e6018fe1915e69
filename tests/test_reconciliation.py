"""Reconciliation: the ledger's card payments, refunds and expected fees against the provider's records, from the
settlement report file or from Stripe's balance transactions (a local HTTP stub); mismatches and their resolution."""

import json
import threading
import urllib.parse
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from payments.models import Payment
from payments.money import to_minor
from payments.selectors import order_payment
from payments.services import payment_refunds_sync, payment_succeeded
from settlement.models import CommissionRuleSet, LedgerTransaction, Posting, PostingKind, Purpose
from settlement.reconciliation.models import Mismatch, ProviderRecord, ProviderReport
from settlement.reconciliation.parsing import report_parse
from settlement.reconciliation.services import (
    ReconciliationError,
    mismatch_resolve,
    reconciliation_fetch_stripe,
    reconciliation_import_file,
    reconciliation_run,
)
from settlement.selectors import ledger_totals, platform_balances
from tests.isolation_reconciliation import ENTRIES
from tests.payment_helpers import order_in

D = Decimal
HEADER = ("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,"
          "payment_intent_id\n")
SAMPLE = Path(__file__).parent / "data" / "stripe_itemized_balance_report.csv"


@pytest.fixture
def operator(demo):
    return get_user_model().objects.get(email="operator@demo.test")


@pytest.fixture
def card_fee(demo):
    """Card fee rules in force: 2.9 % + 0.30 per card payment, borne by the platform."""
    version = (CommissionRuleSet.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    return CommissionRuleSet.objects.create(version=version, effective_from=timezone.now() - timedelta(seconds=1),
                                            default_rate=D("0.05"), gateway_fee_percent=D("2.90"),
                                            gateway_fee_fixed=D("0.30"))


def card_paid(intent: str) -> Payment:
    """An order paid by card: its payment carries the PaymentIntent id and Stripe's success is received."""
    payment = order_payment(order=order_in("sunrise-online"))
    Payment.objects.filter(pk=payment.pk).update(method="stripe", reference=intent)
    outcome = payment_succeeded(reference=intent, amount_minor=to_minor(payment.amount, payment.currency),
                                currency=payment.currency.lower())
    assert outcome.text == "paid"
    payment.refresh_from_db()
    return payment


def ledger_fee(payment: Payment) -> Decimal:
    return Posting.objects.get(transaction__key=f"payment:{payment.pk}", kind=PostingKind.GATEWAY_FEE,
                               account__purpose=Purpose.CASH).amount


def csv_line(ident, gross, fee, category, source, intent, currency="cny", created=None) -> str:
    created = (created or timezone.now()).strftime("%Y-%m-%d %H:%M:%S")
    return f"{ident},{created},{currency},{gross},{fee},{gross - fee},{category},{source},{intent}\n"


@pytest.fixture
def books(card_fee):
    """Three card payments and a refund in the ledger; the report Stripe would send for them, with one fee
    different, one refund we never recorded and one payment absent."""
    matched, other_fee, absent = card_paid("pi_recon_match"), card_paid("pi_recon_fee"), card_paid("pi_recon_absent")
    assert payment_refunds_sync(reference="pi_recon_match", refunded_minor=500, currency="cny", source="evt_recon",
                                refund_reference="re_recon_match").text == "refund of 5.00 recorded"
    assert ledger_fee(matched) > 0
    content = (HEADER
               + csv_line("txn_recon_1", matched.amount, ledger_fee(matched), "charge", "ch_recon_1", "pi_recon_match")
               + csv_line("txn_recon_2", other_fee.amount, ledger_fee(other_fee) + D("0.15"), "charge", "ch_recon_2",
                          "pi_recon_fee")
               + csv_line("txn_recon_3", D("-5.00"), D("0.00"), "refund", "re_recon_match", "pi_recon_match")
               + csv_line("txn_recon_4", D("-7.50"), D("0.00"), "refund", "re_recon_ghost", "pi_recon_fee")
               + csv_line("txn_recon_5", D("-100.00"), D("0.00"), "payout", "po_recon_1", ""))
    return {"matched": matched, "other_fee": other_fee, "absent": absent, "content": content.encode()}


def kinds(report) -> set:
    return {(m.kind, m.payment_id, m.subject) for m in Mismatch.objects.filter(report=report)}


# --- the report file --------------------------------------------------------------------------------------------------


def test_the_sample_report_reads_as_charges_refunds_and_other_records():
    rows = report_parse(SAMPLE.read_bytes())
    assert [(row.type, row.gross, row.fee, row.currency) for row in rows] == [
        ("charge", D("128.00"), D("4.01"), "CNY"), ("charge", D("59.90"), D("2.04"), "CNY"),
        ("refund", D("-20.00"), D("0.00"), "CNY"), ("other", D("-150.00"), D("0.00"), "CNY")]
    assert rows[2].source_id == "re_3Sample0000000003" and rows[2].payment_intent == "pi_3Sample0000000001"
    assert rows[0].created.isoformat() == "2026-11-30T09:15:02+00:00"


def test_a_report_lists_exactly_the_differences_and_matching_again_adds_none(books, operator):
    report = reconciliation_import_file(content=books["content"], file_name="balance.csv", actor=operator)
    assert (report.rows, report.imported, report.duplicates, report.matched) == (5, 5, 0, 2)
    ghost = ProviderRecord.objects.get(provider_id="txn_recon_4")
    assert kinds(report) == {
        ("fee_differs", books["other_fee"].pk, f"payment:{books['other_fee'].pk}"),
        ("missing_in_ledger", None, "provider-refund:re_recon_ghost"),
        ("missing_at_provider", books["absent"].pk, f"payment:{books['absent'].pk}"),
    }
    fee = Mismatch.objects.get(kind="fee_differs")
    assert (fee.provider_amount - fee.ledger_amount, fee.provider_record.provider_id) == (D("0.15"), "txn_recon_2")
    missing = Mismatch.objects.get(kind="missing_in_ledger")
    assert (missing.provider_record, missing.provider_amount, missing.ledger_amount) == (ghost, D("-7.50"), None)
    absent = Mismatch.objects.get(kind="missing_at_provider")
    assert (absent.ledger_amount, absent.provider_amount) == (books["absent"].amount, None)

    result = reconciliation_run(report=report, actor=operator)
    assert (result.found, result.new, result.cleared, result.matched) == (3, 0, 0, 2)
    assert Mismatch.objects.count() == 3
    assert AuditEvent.objects.filter(action="reconciliation.import", target_id=str(report.pk)).exists()


def test_an_amount_that_differs_is_listed(card_fee, operator):
    paid = card_paid("pi_recon_short")
    content = HEADER + csv_line("txn_short", paid.amount - D("1.00"), ledger_fee(paid), "charge", "ch_s",
                                "pi_recon_short")
    report = reconciliation_import_file(content=content.encode(), file_name="short.csv", actor=operator)
    [mismatch] = Mismatch.objects.filter(report=report)
    assert (mismatch.kind, mismatch.difference) == ("amount_differs", D("-1.00"))
    mismatch_resolve(mismatch=mismatch, note="Stripe took a partial capture", actor=operator)
    assert set(ledger_totals().values()) == {D("0.00")}


def test_resolving_posts_a_balancing_transaction_once(books, operator):
    report = reconciliation_import_file(content=books["content"], file_name="balance.csv", actor=operator)
    before = platform_balances(currency="CNY")
    postings_before = Posting.objects.count()

    fee = Mismatch.objects.get(report=report, kind="fee_differs")
    with pytest.raises(ReconciliationError, match="note"):
        mismatch_resolve(mismatch=fee, note="  ", actor=operator)
    mismatch_resolve(mismatch=fee, note="Stripe's fee for a foreign card", actor=operator)
    after = platform_balances(currency="CNY")
    assert after["gateway_fees"] - before.get("gateway_fees", D("0")) == D("0.15")
    assert before["cash"] - after["cash"] == D("0.15")  # shown positive: money at Stripe went down
    with pytest.raises(ReconciliationError, match="already resolved"):
        mismatch_resolve(mismatch=fee, note="again", actor=operator)
    assert LedgerTransaction.objects.filter(key=f"reconcile:{fee.pk}").count() == 1
    assert Posting.objects.count() == postings_before + 2  # nothing edited, two new legs

    ghost = Mismatch.objects.get(report=report, kind="missing_in_ledger")
    mismatch_resolve(mismatch=ghost, note="Refunded by hand in Stripe's dashboard", actor=operator)
    absent = Mismatch.objects.get(report=report, kind="missing_at_provider")
    mismatch_resolve(mismatch=absent, note="Card payment never captured", actor=operator)
    end = platform_balances(currency="CNY")
    assert after["cash"] - end["cash"] == D("7.50") + books["absent"].amount - ledger_fee(books["absent"])
    assert set(ledger_totals().values()) == {D("0.00")}
    fee.refresh_from_db()
    assert (fee.resolved_by, fee.note, fee.resolution.key) == (operator, "Stripe's fee for a foreign card",
                                                               f"reconcile:{fee.pk}")
    assert AuditEvent.objects.filter(action="reconciliation.resolve", target_id=str(fee.pk)).count() == 1

    reconciliation_run(report=report, actor=operator)  # matching again keeps resolved mismatches, adds none
    assert Mismatch.objects.filter(resolved_at=None).count() == 0 and Mismatch.objects.count() == 3


def test_the_same_file_twice_is_refused_and_an_overlapping_one_counts_nothing_twice(books, operator):
    first = reconciliation_import_file(content=books["content"], file_name="balance.csv", actor=operator)
    with pytest.raises(ReconciliationError, match=f"already imported as report #{first.pk}"):
        reconciliation_import_file(content=books["content"], file_name="balance-again.csv", actor=operator)
    assert ProviderReport.objects.count() == 1 and ProviderRecord.objects.count() == 5

    absent = books["absent"]
    overlap = books["content"] + csv_line("txn_recon_6", absent.amount, ledger_fee(absent), "charge", "ch_recon_6",
                                          "pi_recon_absent").encode()
    second = reconciliation_import_file(content=overlap, file_name="balance-later.csv", actor=operator)
    assert (second.rows, second.imported, second.duplicates, second.matched) == (6, 1, 5, 3)
    assert ProviderRecord.objects.count() == 6
    # the payment once missing at the provider is there now: its open mismatch is gone, nothing is listed twice
    assert set(Mismatch.objects.values_list("kind", flat=True)) == {"fee_differs", "missing_in_ledger"}
    assert Mismatch.objects.count() == 2


@pytest.mark.parametrize("content, says", [
    (HEADER + "txn_1,2026-11-30 10:00:00,cny,12.34,0.66,11.68,charge,ch_1,pi_1\n"
              "txn_2,2026-11-30 10:00:00,cny,12.x4,0.66,11.68,charge,ch_2,pi_2\n", "Row 3, column “gross”"),
    (HEADER.replace(",fee", "") + "txn_1,2026-11-30 10:00:00,cny,12.34,11.68,charge,ch_1,pi_1\n",
     "Row 1 (the header) lacks the column(s): fee"),
    (HEADER + "txn_1,2026-11-30 10:00:00,xyz,12.34,0.66,11.68,charge,ch_1,pi_1\n", "Row 2, column “currency”"),
    (HEADER + "txn_1,2026-11-30 10:00:00,cny,12.34,0.66,11.00,charge,ch_1,pi_1\n", "Row 2, column “net”"),
    (HEADER + "txn_1,yesterday,cny,12.34,0.66,11.68,charge,ch_1,pi_1\n", "Row 2, column “created_utc”"),
    (HEADER + "txn_1,2026-11-30 10:00:00,cny,12.34,0.66,11.68,charge,ch_1,pi_1\n"
              "txn_1,2026-11-30 10:00:00,cny,12.34,0.66,11.68,charge,ch_1,pi_1\n",
     "Row 3, column “balance_transaction_id”"),
    (HEADER, "no records"),
    ("", "empty"),
])
def test_a_malformed_file_is_refused_naming_the_row_and_nothing_is_stored(demo, operator, content, says):
    with pytest.raises(ReconciliationError) as refused:
        reconciliation_import_file(content=content.encode(), file_name="bad.csv", actor=operator)
    assert says in str(refused.value)
    assert ProviderReport.objects.count() == 0 and ProviderRecord.objects.count() == 0


# --- Stripe's balance transactions, from a local stub ----------------------------------------------------------------


@contextmanager
def stripe_stub(transactions: list[dict], page: int = 2):
    """Stripe's GET /v1/balance_transactions on a free loopback port, `page` items a page, newest first."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            seen.append({"path": url.path, "query": query, "auth": self.headers.get("Authorization")})
            if url.path != "/v1/balance_transactions":
                return self._send(404, {"error": {"type": "invalid_request_error", "message": "Unknown path"}})
            items = sorted(transactions, key=lambda item: -item["created"])
            if "starting_after" in query:
                items = items[[item["id"] for item in items].index(query["starting_after"][0]) + 1:]
            return self._send(200, {"object": "list", "url": "/v1/balance_transactions", "data": items[:page],
                                    "has_more": len(items) > page})

        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def balance_transaction(ident, amount, fee, kind, source, created, currency="cny") -> dict:
    return {"id": ident, "object": "balance_transaction", "amount": amount, "fee": fee, "net": amount - fee,
            "currency": currency, "created": created, "available_on": created, "status": "available", "type": kind,
            "reporting_category": kind, "source": source}


def test_fetching_from_stripe_pages_through_balance_transactions(card_fee, operator, settings):
    paid = card_paid("pi_recon_api")
    now = int(timezone.now().timestamp())
    minor_fee = to_minor(ledger_fee(paid), "cny")
    transactions = [
        balance_transaction("txn_api_1", to_minor(paid.amount, "cny"), minor_fee, "charge",
                            {"id": "ch_api_1", "object": "charge", "payment_intent": "pi_recon_api"}, now - 30),
        balance_transaction("txn_api_2", -250, 0, "refund",
                            {"id": "re_api_2", "object": "refund", "payment_intent": "pi_recon_api"}, now - 20),
        balance_transaction("txn_api_3", -10000, 0, "payout", {"id": "po_api_3", "object": "payout"}, now - 10),
    ]
    since, until = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(minutes=5)
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ReconciliationError, match="not configured"):
        reconciliation_fetch_stripe(since=since, until=until, actor=operator)

    settings.STRIPE_SECRET_KEY = "sk_test_reconciliation"
    with stripe_stub(transactions) as (base, seen):
        settings.STRIPE_API_BASE = base
        report = reconciliation_fetch_stripe(since=since, until=until, actor=operator)
        with pytest.raises(ReconciliationError, match="already imported"):
            reconciliation_fetch_stripe(since=since, until=until, actor=operator)
    assert len(seen) >= 2 and seen[1]["query"]["starting_after"] == ["txn_api_2"]
    assert seen[0]["query"]["expand[0]"] == ["data.source"] and seen[0]["query"]["limit"] == ["100"]
    assert seen[0]["query"]["created[gte]"] == [str(int(since.timestamp()))]
    assert seen[0]["auth"] == "Bearer sk_test_reconciliation"
    assert (report.source, report.rows, report.imported, report.matched) == ("stripe_api", 3, 3, 1)
    charge = ProviderRecord.objects.get(provider_id="txn_api_1")
    assert (charge.type, charge.gross, charge.fee, charge.currency, charge.payment_intent) == (
        "charge", paid.amount, ledger_fee(paid), "CNY", "pi_recon_api")
    [missing] = Mismatch.objects.filter(report=report)
    assert (missing.kind, missing.provider_amount, missing.provider_record.source_id) == (
        "missing_in_ledger", D("-2.50"), "re_api_2")


# --- pages -----------------------------------------------------------------------------------------------------------


def test_the_operator_imports_reviews_and_resolves_on_the_pages(books, signed_in, settings):
    settings.STRIPE_SECRET_KEY = ""
    client = signed_in("operator@demo.test")
    page = client.get(reverse("dashboard:mp-reconciliation-list"))
    assert page.status_code == 200 and "Fetch from Stripe" not in page.content.decode()

    upload = SimpleUploadedFile("balance.csv", books["content"], content_type="text/csv")
    response = client.post(reverse("dashboard:mp-reconciliation-upload"), {"file": upload}, follow=True)
    report = ProviderReport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("dashboard:mp-reconciliation-detail", kwargs={"pk": report.pk})
    html = response.content.decode()
    assert "3 mismatches open" in html and "Fee differs" in html and "txn_recon_4" in html

    again = client.post(reverse("dashboard:mp-reconciliation-upload"),
                        {"file": SimpleUploadedFile("balance.csv", books["content"])}, follow=True)
    assert "already imported as report #" in again.content.decode()
    bad = client.post(reverse("dashboard:mp-reconciliation-upload"),
                      {"file": SimpleUploadedFile("bad.csv", (HEADER + "t,2026-11-30 10:00:00,cny,x,0,0,charge,c,p\n")
                                                  .encode())}, follow=True)
    assert "Row 2, column “gross”" in bad.content.decode() and ProviderReport.objects.count() == 1

    fee = Mismatch.objects.get(kind="fee_differs")
    detail = reverse("dashboard:mp-reconciliation-detail", kwargs={"pk": report.pk})
    filtered = client.get(detail, {"kind": "fee_differs"}).content.decode()
    assert f'id="mismatch-{fee.pk}"' in filtered and "mismatch-missing_in_ledger" not in filtered
    resolved = client.post(reverse("dashboard:mp-reconciliation-resolve", kwargs={"pk": fee.pk}),
                           {"note": "Foreign card surcharge", "next": detail}, follow=True)
    assert f"reconcile:{fee.pk}" in resolved.content.decode()
    twice = client.post(reverse("dashboard:mp-reconciliation-resolve", kwargs={"pk": fee.pk}),
                        {"note": "again", "next": detail}, follow=True)
    assert "already resolved" in twice.content.decode()
    assert LedgerTransaction.objects.filter(key=f"reconcile:{fee.pk}").count() == 1

    settings.STRIPE_SECRET_KEY = "sk_test_reconciliation"
    assert "Fetch from Stripe" in client.get(reverse("dashboard:mp-reconciliation-list")).content.decode()


def test_a_supplier_never_reaches_the_reconciliation_pages(books, operator, signed_in):
    report = reconciliation_import_file(content=books["content"], file_name="balance.csv", actor=operator)
    mismatch = Mismatch.objects.filter(report=report).first()
    client = signed_in("supplier@demo.test")
    for url in (reverse("dashboard:mp-reconciliation-list"),
                reverse("dashboard:mp-reconciliation-detail", kwargs={"pk": report.pk})):
        assert client.get(url).status_code == 404
    for url in (reverse("dashboard:mp-reconciliation-resolve", kwargs={"pk": mismatch.pk}),
                reverse("dashboard:mp-reconciliation-run", kwargs={"pk": report.pk})):
        assert client.post(url, {"note": "mine now"}).status_code == 404
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None and not LedgerTransaction.objects.filter(key__startswith="reconcile:").exists()


def test_the_isolation_entries_open_for_the_operator_only(signed_in):
    operator, supplier = signed_in("operator@demo.test"), signed_in("supplier@demo.test")
    for name, kwargs in ENTRIES.items():
        url = reverse(name, kwargs=kwargs())
        if name.endswith("-detail"):
            assert operator.get(url).status_code == 200
        assert supplier.get(url).status_code == 404 and supplier.post(url, {"note": "x"}).status_code == 404
