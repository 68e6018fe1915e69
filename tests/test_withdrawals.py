"""Withdrawals and payouts: a party asks for its available balance, the operator approves, the money goes out by
Stripe Connect or by a bank transfer recorded by hand; refusals post nothing and the ledger always balances.

Most tests give the party an available balance by posting a balancing ledger transaction directly (the party's
AVAILABLE credited against the platform's SUSPENSE, see `fund`): that is what a settlement run leaves behind,
without placing and delivering orders. The refund test uses the real flow (a paid order, delivered past the
return window, a settlement run) because it needs the refund to reverse matured money.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from parties.models import Distributor, Membership, Role
from settlement.ledger import Leg, account_for, ledger_post
from settlement.models import LedgerTransaction, Posting, PostingKind, Purpose, TransactionKind
from settlement.selectors import ledger_totals, party_balances, platform_balances
from settlement.withdrawals import services
from settlement.withdrawals.models import PayoutAccount, Withdrawal
from settlement.withdrawals.services import WithdrawalError
from tests import test_returns
from tests.connect_stub import connect_stub

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
pytestmark = pytest.mark.django_db


def user(email):
    return get_user_model().objects.get(email=email)


def fund(party, amount: Decimal) -> None:
    """Credit the party's available balance against the platform's suspense account (a stand-in for a run)."""
    ledger_post(key=f"test-fund:{uuid.uuid4().hex}", kind=TransactionKind.ADJUSTMENT, legs=[
        Leg(account_for(party=party, purpose=Purpose.AVAILABLE, currency="CNY"), amount, PostingKind.ADJUSTMENT),
        Leg(account_for(party=None, purpose=Purpose.SUSPENSE, currency="CNY"), -amount, PostingKind.ADJUSTMENT),
    ])


def withdrawal_keys(withdrawal) -> list[str]:
    return sorted(LedgerTransaction.objects.filter(key__startswith=f"withdrawal:{withdrawal.pk}:")
                  .values_list("key", flat=True))


@pytest.fixture
def harbor(demo):
    """Harbor Goods with exactly 500.00 CNY available and nothing withdrawing."""
    party = Distributor.objects.get(slug="harbor-goods")
    before = party_balances(party=party)
    fund(party, D("500.00") - before.available)
    if before.withdrawing:
        ledger_post(key=f"test-clear:{uuid.uuid4().hex}", kind=TransactionKind.ADJUSTMENT, legs=[
            Leg(account_for(party=party, purpose=Purpose.WITHDRAWING, currency="CNY"), -before.withdrawing,
                PostingKind.ADJUSTMENT),
            Leg(account_for(party=None, purpose=Purpose.SUSPENSE, currency="CNY"), before.withdrawing,
                PostingKind.ADJUSTMENT)])
    assert party_balances(party=party).available == D("500.00")
    return party


@pytest.fixture
def operator(demo):
    return user("operator@demo.test")


@pytest.fixture
def owner(demo):
    return user("harbor@demo.test")


# --- asking ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "currency", "says"), [
    (D("500.01"), "CNY", "at most 500.00 CNY"),
    (D("99.99"), "CNY", "smallest withdrawal is 100.00 CNY"),
    (D("150.00"), "USD", "paid in CNY"),
    (D("150.001"), "CNY", "whole cents"),
])
def test_a_refused_request_says_why_and_posts_nothing(harbor, owner, amount, currency, says):
    postings = Posting.objects.count()
    with pytest.raises(WithdrawalError) as refused:
        services.withdrawal_request(party=harbor, amount=amount, currency=currency, actor=owner)
    assert says in " ".join(refused.value.messages)
    assert Posting.objects.count() == postings
    assert not Withdrawal.objects.filter(distributor=harbor).exists()
    assert party_balances(party=harbor).available == D("500.00")


def test_the_amount_must_exceed_the_fee(harbor, owner, settings):
    settings.WITHDRAWAL_MIN_AMOUNT, settings.WITHDRAWAL_FEE = "1.00", "5.00"
    with pytest.raises(WithdrawalError, match="more than the 5.00 CNY fee"):
        services.withdrawal_request(party=harbor, amount=D("5.00"), currency="CNY", actor=owner)


def test_a_request_moves_the_amount_to_withdrawing_and_a_rejection_returns_it(harbor, owner, operator):
    withdrawal = services.withdrawal_request(party=harbor, amount=D("200.00"), currency="cny", actor=owner)
    assert (withdrawal.status, withdrawal.fee, withdrawal.net) == ("requested", D("2.00"), D("198.00"))
    balances = party_balances(party=harbor)
    assert (balances.available, balances.withdrawing) == (D("300.00"), D("200.00"))
    with pytest.raises(WithdrawalError, match="only 300.00|at most 300.00"):
        services.withdrawal_request(party=harbor, amount=D("300.01"), currency="CNY", actor=owner)

    with pytest.raises(WithdrawalError, match="reason"):
        services.withdrawal_reject(withdrawal=withdrawal, reason="  ", actor=operator)
    services.withdrawal_reject(withdrawal=withdrawal, reason="Bank details missing", actor=operator)
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reason) == ("rejected", "Bank details missing")
    balances = party_balances(party=harbor)
    assert (balances.available, balances.withdrawing) == (D("500.00"), D("0.00"))
    with pytest.raises(WithdrawalError, match="already rejected"):
        services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    assert withdrawal_keys(withdrawal) == [f"withdrawal:{withdrawal.pk}:reject", f"withdrawal:{withdrawal.pk}:request"]
    assert ledger_totals() == {"CNY": D("0.00")}


# --- paying by hand ----------------------------------------------------------------------------------------------


def test_a_manual_payout_moves_the_money_out_and_keeps_the_fee(harbor, owner, operator):
    platform_before = platform_balances(currency="CNY")
    withdrawal = services.withdrawal_request(party=harbor, amount=D("150.00"), currency="CNY", actor=owner)
    services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.method) == ("approved", "manual")
    assert party_balances(party=harbor).withdrawing == D("0.00")
    assert platform_balances(currency="CNY")[Purpose.PAYOUTS_IN_TRANSIT] == \
        platform_before.get(Purpose.PAYOUTS_IN_TRANSIT, D("0")) + D("150.00")

    with pytest.raises(WithdrawalError, match="reference"):
        services.withdrawal_mark_paid(withdrawal=withdrawal, reference="", actor=operator)
    services.withdrawal_mark_paid(withdrawal=withdrawal, reference="ICBC-20261201-0042", actor=operator)
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reference) == ("paid", "ICBC-20261201-0042")
    balances = party_balances(party=harbor)
    assert (balances.available, balances.withdrawing) == (D("350.00"), D("0.00"))
    after = platform_balances(currency="CNY")
    # the provider's money (shown as held) goes down by what was sent; the fee is revenue
    assert after[Purpose.CASH] == platform_before.get(Purpose.CASH, D("0")) - D("148.00")
    assert after[Purpose.WITHDRAWAL_FEES] == platform_before.get(Purpose.WITHDRAWAL_FEES, D("0")) + D("2.00")
    assert after[Purpose.PAYOUTS_IN_TRANSIT] == platform_before.get(Purpose.PAYOUTS_IN_TRANSIT, D("0"))
    assert ledger_totals() == {"CNY": D("0.00")}

    postings = Posting.objects.count()
    for replay in (lambda: services.withdrawal_mark_paid(withdrawal=withdrawal, reference="again", actor=operator),
                   lambda: services.withdrawal_approve(withdrawal=withdrawal, actor=operator),
                   lambda: services.withdrawal_mark_failed(withdrawal=withdrawal, reason="x", actor=operator),
                   lambda: services.withdrawal_reject(withdrawal=withdrawal, reason="x", actor=operator)):
        with pytest.raises(WithdrawalError, match="already paid"):
            replay()
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reference) == ("paid", "ICBC-20261201-0042")
    assert Posting.objects.count() == postings


def test_approving_twice_in_a_row_approves_once(harbor, owner, operator):
    withdrawal = services.withdrawal_request(party=harbor, amount=D("120.00"), currency="CNY", actor=owner)
    services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    with pytest.raises(WithdrawalError, match="already approved"):
        services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    assert withdrawal_keys(withdrawal) == [f"withdrawal:{withdrawal.pk}:approve", f"withdrawal:{withdrawal.pk}:request"]


@pytest.fixture
def parties(transactional_db):
    """The demo's parties and people without its catalogue: a flushed database reloads in seconds, not a minute."""
    from parties.demo import load_demo

    load_demo(with_catalogue=False)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_operators_approving_at_once_approve_once(parties):
    from tests.concurrency import run_together

    party = Distributor.objects.get(slug="harbor-goods")
    fund(party, D("200.00"))
    withdrawal = services.withdrawal_request(party=party, amount=D("200.00"), currency="CNY",
                                             actor=user("harbor@demo.test"))
    operator = user("operator@demo.test")

    def approve():
        return services.withdrawal_approve(withdrawal=Withdrawal.objects.get(pk=withdrawal.pk), actor=operator)

    results = run_together(approve, [(), ()])
    approved = [r for r in results if isinstance(r, Withdrawal)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], WithdrawalError) and "already approved" in " ".join(refused[0].messages)
    assert withdrawal_keys(withdrawal) == [f"withdrawal:{withdrawal.pk}:approve", f"withdrawal:{withdrawal.pk}:request"]
    assert ledger_totals() == {"CNY": D("0.00")}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_overdraw(parties):
    from tests.concurrency import run_together

    party = Distributor.objects.get(slug="harbor-goods")
    fund(party, D("300.00") - party_balances(party=party).available)
    owner = user("harbor@demo.test")

    def ask():
        return services.withdrawal_request(party=party, amount=D("200.00"), currency="CNY", actor=owner)

    results = run_together(ask, [(), ()])
    assert sorted(type(r).__name__ for r in results) == ["Withdrawal", "WithdrawalError"], results
    assert party_balances(party=party).available == D("100.00")


# --- paying by Stripe Connect ------------------------------------------------------------------------------------


@pytest.fixture
def stripe_stub(settings):
    with connect_stub() as stub:
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_withdrawals", stub.base
        yield stub


def test_a_stripe_payout_is_a_connect_transfer_of_the_net_amount(harbor, owner, operator, stripe_stub,
                                                                   django_capture_on_commit_callbacks):
    PayoutAccount.objects.create(distributor=harbor, stripe_account_id="acct_1HarborGoods")
    withdrawal = services.withdrawal_request(party=harbor, amount=D("250.00"), currency="CNY", actor=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    [call] = stripe_stub.transfers()
    assert call["params"]["amount"] == "24800" and call["params"]["currency"] == "cny"
    assert call["params"]["destination"] == "acct_1HarborGoods"
    assert call["idempotency_key"] == f"withdrawal-{withdrawal.pk}"
    assert call["authorization"] == "Bearer sk_test_withdrawals"
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.method, withdrawal.reference) == ("paid", "stripe", "tr_stub000001")
    balances = party_balances(party=harbor)
    assert (balances.available, balances.withdrawing) == (D("250.00"), D("0.00"))
    assert ledger_totals() == {"CNY": D("0.00")}


def test_a_refused_stripe_transfer_fails_the_withdrawal_and_returns_the_funds(harbor, owner, operator, stripe_stub,
                                                                               django_capture_on_commit_callbacks):
    PayoutAccount.objects.create(distributor=harbor, stripe_account_id="acct_closed")
    stripe_stub.refuse("acct_closed", message="No such destination: 'acct_closed'")
    withdrawal = services.withdrawal_request(party=harbor, amount=D("250.00"), currency="CNY", actor=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    withdrawal.refresh_from_db()
    assert withdrawal.status == "failed" and "No such destination" in withdrawal.reason
    balances = party_balances(party=harbor)
    assert (balances.available, balances.withdrawing) == (D("500.00"), D("0.00"))
    assert withdrawal_keys(withdrawal) == [f"withdrawal:{withdrawal.pk}:approve", f"withdrawal:{withdrawal.pk}:failed",
                                           f"withdrawal:{withdrawal.pk}:request"]
    assert not Posting.objects.filter(transaction__key__startswith=f"withdrawal:{withdrawal.pk}:",
                                      kind=PostingKind.WITHDRAWAL_FEE).exists()
    assert ledger_totals() == {"CNY": D("0.00")}


def test_an_unreachable_stripe_leaves_it_approved_and_a_resend_pays_once(harbor, owner, operator, settings,
                                                                          django_capture_on_commit_callbacks):
    PayoutAccount.objects.create(distributor=harbor, stripe_account_id="acct_1HarborGoods")
    with connect_stub() as stub:
        closed = stub.base
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_withdrawals", closed  # nobody listens now
    withdrawal = services.withdrawal_request(party=harbor, amount=D("250.00"), currency="CNY", actor=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    withdrawal.refresh_from_db()
    assert withdrawal.status == "approved" and "could not be reached" in withdrawal.reason
    with connect_stub() as stub:
        settings.STRIPE_API_BASE = stub.base
        services.withdrawal_transfer(withdrawal=withdrawal, actor=operator)
        with pytest.raises(WithdrawalError, match="already paid"):
            services.withdrawal_transfer(withdrawal=Withdrawal.objects.get(pk=withdrawal.pk), actor=operator)
        assert len(stub.transfers()) == 1
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reference, withdrawal.reason) == ("paid", "tr_stub000001", "")


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_portal_page_requests_a_withdrawal_and_shows_its_history(harbor, signed_in):
    client = signed_in("harbor@demo.test")
    url = reverse("distributor:withdrawal-list")
    page = client.get(url).content.decode()
    assert "500.00 CNY" in page and "At least 100.00 CNY" in page and "2.00 CNY" in page
    response = client.post(url, {"action": "request", "amount": "50.00"})
    assert response.status_code == 400 and "smallest withdrawal is 100.00 CNY" in response.content.decode()
    response = client.post(url, {"action": "request", "amount": "180.00"}, follow=True)
    page = response.content.decode()
    assert "Withdrawal of 180.00 CNY requested" in page
    assert 'id="balance-available" class="">320.00 CNY' in page and 'id="balance-withdrawing">180.00 CNY' in page
    assert "178.00 CNY" in page  # what arrives after the fee

    response = client.post(url, {"action": "account", "stripe_account_id": "bank-please", "bank_holder": "Harbor",
                                 "bank_account": "ICBC 6222"})
    assert response.status_code == 400 and "acct_" in response.content.decode()
    client.post(url, {"action": "account", "stripe_account_id": "", "bank_holder": "Harbor Goods Ltd",
                      "bank_account": "ICBC 6222 0000 1111"})
    assert PayoutAccount.objects.get(distributor=harbor).bank_account == "ICBC 6222 0000 1111"


def test_finance_staff_may_look_but_not_withdraw_and_shop_staff_may_not_look(harbor, signed_in):
    membership = Membership.objects.filter(user__email="harbor@demo.test", distributor=harbor)
    membership.update(role=Role.STAFF)
    client = signed_in("harbor@demo.test")
    url = reverse("distributor:withdrawal-list")
    assert client.get(url).status_code == 403  # staff's role has no finance
    membership.update(role=Role.FINANCE)
    assert "Only the owner or a manager can request withdrawals" in client.get(url).content.decode()
    response = client.post(url, {"action": "request", "amount": "150.00"})
    assert response.status_code == 403
    assert "Only the owner or a manager" in response.content.decode()
    assert not Withdrawal.objects.filter(distributor=harbor).exists()
    assert party_balances(party=harbor).available == D("500.00")


def test_the_supplier_portal_has_the_same_page(signed_in):
    page = signed_in("supplier@demo.test").get(reverse("supplier:withdrawal-list"))
    assert page.status_code == 200 and "Request a withdrawal" in page.content.decode()


def test_the_operator_approves_and_records_the_bank_transfer_in_the_back_office(harbor, owner, signed_in):
    withdrawal = services.withdrawal_request(party=harbor, amount=D("150.00"), currency="CNY", actor=owner)
    client = signed_in("operator@demo.test")
    listing = client.get(reverse("dashboard:mp-withdrawal-list"), {"status": "requested",
                                                                   "party": f"distributor:{harbor.pk}"})
    assert f"withdrawal-row-{withdrawal.pk}" in listing.content.decode()
    assert f"withdrawal-row-{withdrawal.pk}" not in client.get(reverse("dashboard:mp-withdrawal-list"),
                                                               {"status": "paid"}).content.decode()
    detail = reverse("dashboard:mp-withdrawal-detail", kwargs={"pk": withdrawal.pk})
    page = client.post(reverse("dashboard:mp-withdrawal-approve", kwargs={"pk": withdrawal.pk}), follow=True)
    assert "approved. Pay it by bank transfer" in page.content.decode()
    page = client.post(reverse("dashboard:mp-withdrawal-approve", kwargs={"pk": withdrawal.pk}), follow=True)
    assert "already approved" in page.content.decode()
    page = client.post(reverse("dashboard:mp-withdrawal-mark-paid", kwargs={"pk": withdrawal.pk}),
                       {"reference": ""}, follow=True)
    assert "Enter the bank transfer" in page.content.decode()
    page = client.post(reverse("dashboard:mp-withdrawal-mark-paid", kwargs={"pk": withdrawal.pk}),
                       {"reference": "BOC-778812"}, follow=True)
    assert page.redirect_chain[-1][0] == detail
    assert "marked paid" in page.content.decode() and "BOC-778812" in page.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "paid"
    party_page = signed_in("harbor@demo.test").get(reverse("distributor:withdrawal-list")).content.decode()
    assert "BOC-778812" in party_page and "Paid" in party_page


def test_party_users_cannot_reach_the_back_office_withdrawals(signed_in):
    from tests.isolation_withdrawals import ENTRIES

    for email in ("harbor@demo.test", "distributor@demo.test", "supplier@demo.test"):
        client = signed_in(email)
        for name, kwargs in ENTRIES:
            url = reverse(name, kwargs=kwargs())
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"reference": "x", "reason": "x"})
                assert response.status_code == 404, f"{email} {method.upper()} {name}: {response.status_code}"
    [(name, kwargs)] = [entry for entry in ENTRIES if entry[0].endswith("-detail")]
    assert signed_in("operator@demo.test").get(reverse(name, kwargs=kwargs())).status_code == 200
    assert Withdrawal.objects.get(pk=kwargs()["pk"]).status == "requested"


# --- a refund after a withdrawal ---------------------------------------------------------------------------------


def test_a_refund_after_a_withdrawal_makes_available_negative_and_the_page_says_so(placed, sunrise, signed_in):
    from payments.selectors import order_payment
    from payments.services import payment_refund
    from settlement.runs import settlement_run
    from storefront.fulfilment.services import fulfilment_group_move
    from storefront.models import FulfilmentGroup
    test_returns.pay(placed)
    long_ago = timezone.now() - timedelta(days=20)
    for group in FulfilmentGroup.objects.filter(order=placed):
        fulfilment_group_move(group=group, status="shipped", at=long_ago)
        fulfilment_group_move(group=FulfilmentGroup.objects.get(pk=group.pk), status="delivered",
                              at=long_ago + timedelta(days=1))
    pending_before = party_balances(party=sunrise).pending
    settlement_run()
    balances = party_balances(party=sunrise)
    assert balances.pending < pending_before, "the delivered order's share should have matured"
    if balances.available < D("100.00"):  # the order alone is smaller than a withdrawal: top up (see docstring)
        fund(sunrise, D("100.00") - balances.available)
    dealer = user("distributor@demo.test")
    everything = party_balances(party=sunrise).available
    withdrawal = services.withdrawal_request(party=sunrise, amount=everything, currency="CNY", actor=dealer)
    operator = user("operator@demo.test")
    services.withdrawal_approve(withdrawal=withdrawal, actor=operator)
    services.withdrawal_mark_paid(withdrawal=withdrawal, reference="BANK-1", actor=operator)
    assert party_balances(party=sunrise).available == D("0.00")

    payment = order_payment(order=placed)
    payment_refund(payment=payment, amount=payment.amount, reason="all returned", key="after-withdrawal")
    available = party_balances(party=sunrise).available
    assert available < 0
    assert ledger_totals() == {"CNY": D("0.00")}
    page = signed_in("distributor@demo.test").get(reverse("distributor:withdrawal-list")).content.decode()
    assert f'class="wd-negative">{available} CNY' in page
    assert "recovered from your later earnings" in page
    with pytest.raises(WithdrawalError, match="at most 0.00"):
        services.withdrawal_request(party=sunrise, amount=D("100.00"), currency="CNY", actor=dealer)
