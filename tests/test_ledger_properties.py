"""The books always balance, whatever happens, in whatever order (hypothesis' stateful testing).

Random sequences of multi-store orders (a coupon sometimes), payments offline or by card, partial and full
refunds, shipments cancelled, deliveries long ago or recent, settlement runs (some interrupted halfway and
resumed) and withdrawals paid or failed. After every step:
- every transaction balances per currency, and all accounts together sum to zero;
- each order's postings come to what its shopper finally paid (received − refunded), on the cash side and on the
  side of everyone who got a share; a fully refunded order leaves nobody with anything from it (but the card fee,
  which the provider keeps);
- replaying every cause (payments, refunds, a settlement run) posts nothing new.
"""

import collections
import functools
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from oscar.core.loading import get_class, get_model

from distributor.promotions.services import basket_voucher_add
from parties.models import Distributor, Store, Supplier
from payments.models import Payment, Refund
from payments.money import quantize, to_minor
from payments.selectors import order_payment
from payments.services import payment_mark_paid, payment_refund, payment_refunds_sync, payment_succeeded
from settlement.models import LedgerTransaction, Maturity, Posting, PostingKind, Purpose, SettlementRun
from settlement.runs import settlement_run
from settlement.selectors import ledger_totals, party_balances
from settlement.services import ledger_payment_record, ledger_refund_record
from settlement.withdrawals.services import (
    WithdrawalError,
    minimum_amount,
    withdrawal_approve,
    withdrawal_mark_failed,
    withdrawal_mark_paid,
    withdrawal_reject,
    withdrawal_request,
)
from storefront.addresses import shipping_address_new
from storefront.fulfilment.services import fulfilment_group_cancel, fulfilment_group_move
from storefront.models import FulfilmentGroup
from storefront.services import CheckoutError, basket_add, order_place
from tests.payment_helpers import _listing_with_stock

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
D = Decimal
ZERO = D("0.00")
STORES = ["sunrise-online", "green-leaf-flagship", "harbor-online", "maple-online"]
SHARE_KINDS_EXCLUDED = (PostingKind.PAYMENT, PostingKind.REFUND, PostingKind.GATEWAY_FEE)
pytestmark = pytest.mark.django_db


RAN: collections.Counter = collections.Counter()  # which steps the machine took, over all examples


class Interrupted(Exception):
    """Stands for the process being killed in the middle of a run."""


def interrupt_after(chunks: int):
    seen = itertools.count(1)

    def progress(phase, done, total):
        if next(seen) >= chunks:
            raise Interrupted(phase)

    return progress


class Books(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.first_txn = (LedgerTransaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.operator = get_user_model().objects.get(email="operator@demo.test")
        self.shopper = get_user_model().objects.get(email="shopper@demo.test")
        self.orders = []
        self.keys = itertools.count(1)
        self.taken = collections.Counter()  # steps taken in this sequence: runs and withdrawals are capped
    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- steps ------------------------------------------------------------------------------------------------

    @rule(stores=st.lists(st.sampled_from(STORES), min_size=1, max_size=2, unique=True),
          quantity=st.integers(1, 2), coupon=st.booleans(), then=st.sampled_from(["", "pay", "pay+deliver"]))
    def place(self, stores, quantity, coupon, then):
        """An order, and sometimes what usually follows at once: paid by bank transfer, delivered a month ago."""
        RAN["place"] += 1
        basket = Basket.objects.create(owner=self.shopper)
        basket.strategy = Selector().strategy()
        for slug in stores:
            store = Store.objects.get(slug=slug)
            listing = _listing_with_stock(store)
            for units in (quantity, 1):
                try:
                    basket_add(basket=basket, store=store, product=listing.stockrecord.product, quantity=units)
                    break
                except CheckoutError:  # fewer left than asked (or none in this store's pool)
                    continue
        if basket.is_empty:
            return
        if coupon and "sunrise-online" in stores:
            basket_voucher_add(basket=basket, code="SUNRISE10", user=self.shopper)
        order = order_place(basket=basket, user=self.shopper, shipping_address=shipping_address_new(),
                            notify=False)
        self.orders.append(order)
        if then:
            payment_mark_paid(payment=order_payment(order=order), actor=self.operator)
        if then == "pay+deliver":
            for group in order.fulfilment_groups.all():
                self._deliver(group, days_ago=30)

    def _unpaid(self):
        return [o for o in self.orders if o.status == "Pending payment"
                and (p := order_payment(order=o)) and p.status == "pending"]

    def _paid(self):
        return [o for o in self.orders if (p := order_payment(order=o)) and p.status in Payment.RECEIVED
                and p.refundable > 0]

    @precondition(lambda self: self._unpaid())
    @rule(data=st.data(), card=st.booleans())
    def pay(self, data, card):
        RAN["pay"] += 1
        order = data.draw(st.sampled_from(self._unpaid()))
        payment = order_payment(order=order)
        if card:  # what Stripe's webhook would report for a card payment of this order
            Payment.objects.filter(pk=payment.pk).update(method="stripe", reference=f"pi_prop_{payment.pk}")
            payment_succeeded(reference=f"pi_prop_{payment.pk}", amount_minor=to_minor(payment.amount, "CNY"),
                              currency="cny")
        else:
            payment_mark_paid(payment=payment, actor=self.operator)

    @precondition(lambda self: self._paid())
    @rule(data=st.data(), share=st.sampled_from([D("0.1"), D("0.5"), D("1")]))
    def refund(self, data, share):
        RAN["refund"] += 1
        order = data.draw(st.sampled_from(self._paid()))
        payment = order_payment(order=order)
        if Maturity.objects.filter(order=order, settled_run__isnull=False).exists():
            RAN["refund after settlement"] += 1
        amount = max(quantize(payment.refundable * share), D("0.01"))
        if payment.method == "stripe":  # refunded in Stripe's dashboard: its charge.refunded event says so
            payment_refunds_sync(reference=payment.reference, currency="cny", source=f"evt_{next(self.keys)}",
                                 refunded_minor=to_minor(payment.amount_refunded + amount, "CNY"))
        else:
            payment_refund(payment=payment, amount=amount, reason="property test", key=f"prop-{next(self.keys)}",
                           actor=self.operator)

    def _open_groups(self):
        return list(FulfilmentGroup.objects.filter(order__in=self.orders, status=FulfilmentGroup.Status.PENDING)
                    .order_by("pk"))

    def _cancellable(self):
        """Open shipments of orders not paid by card (a card refund would call Stripe; the refund steps cover
        card refunds through Stripe's own refund event)."""
        return [group for group in self._open_groups()
                if not Payment.objects.filter(order=group.order_id, method="stripe").exists()]

    @precondition(lambda self: self._cancellable())
    @rule(data=st.data())
    def cancel_shipment(self, data):
        RAN["cancel_shipment"] += 1
        group = data.draw(st.sampled_from(self._cancellable()))
        fulfilment_group_cancel(group=group, reason="property test", actor=self.operator)

    @precondition(lambda self: self._open_groups())
    @rule(data=st.data(), days_ago=st.sampled_from([1, 30]))
    def deliver(self, data, days_ago):
        RAN["deliver"] += 1
        self._deliver(data.draw(st.sampled_from(self._open_groups())), days_ago=days_ago)

    def _deliver(self, group, *, days_ago):
        at = timezone.now() - timedelta(days=days_ago)
        fulfilment_group_move(group=group, status=FulfilmentGroup.Status.SHIPPED, at=at - timedelta(days=1))
        fulfilment_group_move(group=group, status=FulfilmentGroup.Status.DELIVERED, at=at)

    @precondition(lambda self: self.taken["settle"] < 3)
    @rule(interrupted=st.booleans())
    def settle(self, interrupted):
        RAN["settle"] += 1
        self.taken["settle"] += 1
        if interrupted:
            RAN["settle interrupted"] += 1
            try:
                settlement_run(chunk=1, progress=interrupt_after(1))
            except Interrupted:
                pass
        run = settlement_run(chunk=2)
        assert not SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).exists()
        before = Posting.objects.count()
        settlement_run(cutoff=run.cutoff)  # the same run again: nothing more is due up to its cutoff
        assert Posting.objects.count() == before

    def _withdrawable(self):
        """Parties whose available balance covers the minimum withdrawal."""
        parties = [*Supplier.objects.order_by("pk"), *Distributor.objects.order_by("pk")]
        return [party for party in parties if party_balances(party=party).available >= minimum_amount()]

    @precondition(lambda self: self.taken["withdraw"] < 2 and self._withdrawable())
    @rule(data=st.data(), outcome=st.sampled_from(["paid", "failed", "rejected"]))
    def withdraw(self, data, outcome):
        RAN["withdraw"] += 1
        self.taken["withdraw"] += 1
        party = data.draw(st.sampled_from(self._withdrawable()))
        amount = max(minimum_amount(), quantize(party_balances(party=party).available / 2))
        withdrawal = withdrawal_request(party=party, amount=amount, currency="CNY", actor=self.operator)
        if outcome == "rejected":
            step = functools.partial(withdrawal_reject, withdrawal=withdrawal, reason="no", actor=self.operator)
        else:
            withdrawal = withdrawal_approve(withdrawal=withdrawal, actor=self.operator)
            step = (functools.partial(withdrawal_mark_paid, withdrawal=withdrawal, reference="BANK-1",
                                      actor=self.operator) if outcome == "paid" else
                    functools.partial(withdrawal_mark_failed, withdrawal=withdrawal, reason="bounced",
                                      actor=self.operator))
        step()
        before = Posting.objects.count()
        with pytest.raises(WithdrawalError):
            step()  # the same decision again: refused, nothing posted
        assert Posting.objects.count() == before

    # --- what must always hold ----------------------------------------------------------------------------------

    @invariant()
    def every_transaction_balances(self):
        sums = (Posting.objects.filter(transaction_id__gte=self.first_txn).values("transaction_id", "currency")
                .annotate(total=Sum("amount")).values_list("transaction_id", "total"))
        assert [pk for pk, total in sums if quantize(total) != 0] == []
        assert set(ledger_totals().values()) <= {ZERO}

    @invariant()
    def each_order_comes_to_what_its_shopper_paid(self):
        for order in self.orders:
            order.refresh_from_db()
            received = Payment.objects.filter(order=order, status__in=Payment.RECEIVED, duplicate=False)
            net = sum((p.amount - p.amount_refunded for p in received), ZERO)
            postings = Posting.objects.filter(order=order)
            cash = postings.filter(kind__in=(PostingKind.PAYMENT, PostingKind.REFUND)).aggregate(t=Sum("amount"))
            shares = postings.exclude(kind__in=SHARE_KINDS_EXCLUDED).aggregate(t=Sum("amount"))
            assert quantize(cash["t"] or 0) == -net, order.number
            assert quantize(shares["t"] or 0) == net, order.number
            if received and net == 0:
                per_account = (postings.exclude(kind=PostingKind.GATEWAY_FEE).values("account__purpose",
                                                                                     "account_id")
                               .annotate(t=Sum("amount")).values_list("account__purpose", "t"))
                left = [(purpose, total) for purpose, total in per_account
                        if quantize(total) != 0 and purpose not in (Purpose.PENDING, Purpose.AVAILABLE)]
                assert left == [], order.number
                party = {}
                for posting in postings.exclude(kind=PostingKind.GATEWAY_FEE).select_related("account"):
                    if posting.account.purpose in (Purpose.PENDING, Purpose.AVAILABLE):
                        who = posting.account.supplier_id, posting.account.distributor_id
                        party[who] = party.get(who, ZERO) + posting.amount
                assert {who: total for who, total in party.items() if total} == {}, order.number

    @invariant()
    def replaying_any_cause_posts_nothing(self):
        before = Posting.objects.count()
        for payment in Payment.objects.filter(order__in=self.orders, status__in=Payment.RECEIVED):
            ledger_payment_record(payment=payment)
        for refund in Refund.objects.filter(payment__order__in=self.orders):
            ledger_refund_record(refund=refund)
        assert Posting.objects.count() == before


def test_the_books_balance_after_every_step(demo):
    RAN.clear()
    run_state_machine_as_test(Books, settings=settings(
        max_examples=15, stateful_step_count=15, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
    # the sequences really went through every kind of step, not only the easy ones
    assert set(RAN) >= {"place", "pay", "refund", "cancel_shipment", "deliver", "settle", "settle interrupted",
                        "withdraw", "refund after settlement"}, RAN

