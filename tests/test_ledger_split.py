"""One order's split, checked by hand: what the supplier, the distributor and the platform each get, the ledger
balancing, refunds reversing in proportion, and a fully refunded order netting to zero for everyone."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from payments.money import quantize
from payments.selectors import order_payment
from payments.services import payment_refund
from settlement.ledger import account_for
from settlement.models import Posting, PostingKind, Purpose
from settlement.selectors import ledger_totals, party_balances
from tests import test_instore_sale, test_returns

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
stocked, floor = test_instore_sale.stocked, test_instore_sale.floor
pytestmark = pytest.mark.django_db


def by_holder(order):
    totals = {}
    for posting in Posting.objects.filter(order=order).select_related("account__supplier", "account__distributor"):
        key = (str(posting.account.party or "platform"), posting.account.purpose)
        totals[key] = totals.get(key, D("0")) + posting.amount
    return {key: value for key, value in totals.items() if value}


def test_a_paid_order_splits_into_pending_shares_that_balance(placed, sunrise):
    test_returns.pay(placed)
    payment = order_payment(order=placed)
    assert ledger_totals() == {"CNY": D("0.00")}
    totals = by_holder(placed)
    supplier = placed.lines.first().supplier
    shipping = payment.amount - D("74.00")
    # 2 × LST-a (wholesale 10, retail 20) + 1 × LST-b (18 / 34): 74.00 of goods, 38.00 wholesale, 36.00 margin;
    # the supplier's warehouse ships, so the store's delivery charge is the supplier's too
    assert totals[("platform", Purpose.CASH)] == -payment.amount
    assert totals[(str(supplier), Purpose.PENDING)] == D("38.00") + shipping
    assert totals[(str(sunrise), Purpose.PENDING)] + totals.get(("platform", Purpose.COMMISSION), 0) == D("36.00")
    assert sum(totals.values()) == 0


def test_a_full_refund_nets_the_order_to_zero_for_everyone(placed, sunrise):
    test_returns.pay(placed)
    payment = order_payment(order=placed)
    before = party_balances(party=sunrise)
    payment_refund(payment=payment, amount=D("10.00"), reason="part", key="t-1")
    payment_refund(payment=payment, amount=payment.amount - D("10.00"), reason="rest", key="t-2")
    assert by_holder(placed) == {}
    assert party_balances(party=sunrise).pending < before.pending
    assert ledger_totals() == {"CNY": D("0.00")}
    assert Posting.objects.filter(order=placed, kind=PostingKind.REVERSAL).exists()


def test_the_worked_example_splits_to_the_cent(placed, sunrise):
    """docs/settlement-worked-example.md, step by step: payment, a refund-only return of one LST-a, settlement."""
    from datetime import timedelta

    from django.utils import timezone

    from settlement.runs import settlement_run
    from settlement.services import maturity_refresh
    from storefront.models import FulfilmentGroup
    from storefront.returns import services as returns

    order = placed
    supplier = order.lines.first().supplier
    test_returns.pay(order)
    assert order_payment(order=order).amount == D("84.00")
    kinds = sorted((str(p.account.party or "platform"), p.kind, p.amount) for p in
                   Posting.objects.filter(order=order).select_related("account__supplier", "account__distributor"))
    assert kinds == sorted([
        ("platform", "payment", D("-84.00")),
        (str(supplier), "wholesale", D("20.00")), (str(supplier), "wholesale", D("18.00")),
        (str(supplier), "shipping", D("10.00")),
        (str(sunrise), "margin", D("20.00")), (str(sunrise), "margin", D("16.00")),
        (str(sunrise), "commission", D("-2.00")), (str(sunrise), "commission", D("-1.70")),
        ("platform", "commission", D("2.00")), ("platform", "commission", D("1.70"))])

    test_returns.deliver(order)
    request = test_returns.ask(order, {"LST-a": 1}, kind=test_returns.ReturnRequest.Kind.REFUND)
    returns.return_request_decide(request=request, approve=True, note="", actor=test_returns.user(
        "storeadmin@demo.test"))
    reversal = sorted((str(p.account.party or "platform"), p.kind, p.amount) for p in
                      Posting.objects.filter(transaction__refund__key=f"return-{request.pk}"))
    assert reversal == sorted([("platform", "refund", D("20.00")), (str(supplier), "reversal", D("-10.00")),
                               (str(sunrise), "reversal", D("-10.00")), (str(sunrise), "reversal", D("1.00")),
                               ("platform", "reversal", D("-1.00"))])
    assert by_holder(order) == {("platform", Purpose.CASH): D("-64.00"), (str(supplier), Purpose.PENDING): D("38.00"),
                                (str(sunrise), Purpose.PENDING): D("23.30"),
                                ("platform", Purpose.COMMISSION): D("2.70")}

    FulfilmentGroup.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=30))
    maturity_refresh(order=order)
    run = settlement_run()
    assert order.maturities.get().settled_run == run
    for party, share in ((supplier, D("38.00")), (sunrise, D("23.30"))):
        pending = account_for(party=party, purpose=Purpose.PENDING, currency="CNY")
        ours = Posting.objects.filter(order=order, account=pending).aggregate(t=Sum("amount"))["t"]
        due = Posting.objects.filter(maturity__settled_run=run, account=pending).aggregate(t=Sum("amount"))["t"]
        moved = Posting.objects.filter(transaction__run=run, account=pending).aggregate(t=Sum("amount"))["t"]
        assert quantize(ours) == share  # this order's part, inside what the run moved to available
        assert quantize(moved) == -quantize(due)


def test_the_demo_books_balance_and_every_demo_party_has_its_statement(demo, signed_in):
    """`make run`'s demo: its orders went through the ledger, settled as the nightly run would have; the books sum
    to zero and the operator opens every supplier's and distributor's statement of the last 60 days."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from parties.models import Distributor, Supplier
    from settlement.statements import statement

    assert ledger_totals() == {"CNY": D("0.00")}
    assert Posting.objects.filter(account__purpose=Purpose.AVAILABLE).exists()  # the demo's run settled some
    operator = signed_in("operator@demo.test")
    today = timezone.localdate()
    for kind, parties in (("supplier", Supplier.objects.all()), ("distributor", Distributor.objects.all())):
        for party in parties:
            page = operator.get(reverse("dashboard:mp-statement-party", args=[kind, party.pk]))
            assert page.status_code == 200, party
            shown = statement(party=party, start=today - timedelta(days=60), end=today + timedelta(days=1))
            assert shown.closing.total == shown.opening.total + sum((m.amount for m in shown.lines), D("0"))
    assert statement(party=Distributor.objects.get(slug="sunrise-retail"), start=today - timedelta(days=60),
                     end=today + timedelta(days=1)).lines


def test_a_card_fee_passed_on_is_borne_by_the_selling_distributor(placed, sunrise):
    """Rules may pass the card fee on: it leaves the cash (Stripe keeps it) and comes out of the seller's share."""
    from datetime import timedelta

    from payments.money import to_minor
    from payments.services import payment_succeeded
    from settlement.models import CommissionRuleSet, FeeBearer

    CommissionRuleSet.objects.create(version=99, effective_from=placed.date_placed - timedelta(minutes=1),
                                     default_rate=D("0.0500"), gateway_fee_percent=D("2.90"),
                                     gateway_fee_fixed=D("0.30"), gateway_fee_bearer=FeeBearer.SELLER)
    payment = order_payment(order=placed)
    payment.__class__.objects.filter(pk=payment.pk).update(method="stripe", reference="pi_fee_test")
    payment_succeeded(reference="pi_fee_test", amount_minor=to_minor(payment.amount, "CNY"), currency="cny")
    fees = sorted((str(p.account.party or "platform"), p.account.purpose, p.amount) for p in
                  Posting.objects.filter(order=placed, kind=PostingKind.GATEWAY_FEE).select_related("account"))
    assert fees == sorted([("platform", Purpose.CASH, D("2.74")), (str(sunrise), Purpose.PENDING, D("-2.74"))])
    assert ledger_totals() == {"CNY": D("0.00")}


def test_a_till_sale_settles_the_same_way_without_a_card_fee(stocked, sunrise, shop):
    """An in-shop sale is paid at the till: split like any sale, no card fee (even by card), and its part matures
    a return window after the sale itself (nothing is delivered)."""
    from datetime import timedelta

    from settlement.models import Maturity
    from settlement.services import ledger_payment_record
    from storefront.returns.selectors import return_window_days
    sale = test_instore_sale.sell(shop, [("LST-a", 1)], method="card", tendered=None, terminal_reference="T-1")
    order = sale.order
    assert not Posting.objects.filter(order=order, kind=PostingKind.GATEWAY_FEE).exists()
    assert Posting.objects.filter(order=order, kind=PostingKind.MARGIN, account__distributor=sunrise).exists()
    paid = order_payment(order=order)
    maturity = Maturity.objects.get(order=order)
    assert maturity.matures_at == paid.paid_at + timedelta(days=return_window_days(store=shop))
    before = Posting.objects.count()
    ledger_payment_record(payment=paid)  # the same payment again: nothing new
    assert Posting.objects.count() == before
