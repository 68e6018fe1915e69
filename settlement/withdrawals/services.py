"""Withdrawal commands. Each step checks, changes the row, posts its ledger transaction under the key
`withdrawal:<id>:<step>` (a replay posts nothing new), audits and tells whoever needs to know, in one
transaction. A call in the wrong state raises WithdrawalError and changes nothing.

    request   party AVAILABLE −A, party WITHDRAWING +A
    reject    party WITHDRAWING −A, party AVAILABLE +A
    approve   party WITHDRAWING −A, platform PAYOUTS_IN_TRANSIT +A   (then Stripe, when the party has an account)
    paid      PAYOUTS_IN_TRANSIT −A, CASH +(A − fee) (money leaves), WITHDRAWAL_FEES +fee
    failed    PAYOUTS_IN_TRANSIT −A, party AVAILABLE +A                (the funds return, no fee)
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from notifications.audiences import Audience
from notifications.services import event_emit
from parties.locking import lock_rows
from parties.models import Distributor, Supplier
from payments.money import quantize, to_minor
from settlement.ledger import Leg, account_for, balance, ledger_post
from settlement.models import Account, PostingKind, Purpose, TransactionKind
from settlement.withdrawals import stripe_connect
from settlement.withdrawals.models import PayoutAccount, Withdrawal
from siteconfig.selectors import setting_value

Status = Withdrawal.Status


class WithdrawalError(ValidationError):
    """A withdrawal step refused, with a message for the person who asked."""


def minimum_amount(*, at=None) -> Decimal:
    """The smallest withdrawal in force at `at` (now when None): the operator's setting, versioned."""
    return quantize(Decimal(str(setting_value(key="withdrawal_min_amount", at=at))))


def withdrawal_fee(*, at=None) -> Decimal:
    """The fee in force at `at` (now when None); a request keeps the fee in force when it was made."""
    return quantize(Decimal(str(setting_value(key="withdrawal_fee", at=at))))


def ledger_currency() -> str:
    return settings.OSCAR_DEFAULT_CURRENCY.upper()


def _party_fields(party) -> dict:
    if isinstance(party, Supplier):
        return {"supplier": party}
    if isinstance(party, Distributor):
        return {"distributor": party}
    raise TypeError(f"{type(party).__name__} cannot withdraw")


def _audience(party) -> Audience:
    return Audience.supplier(party.pk) if isinstance(party, Supplier) else Audience.distributor(party.pk)


def _shown(amount: Decimal, currency: str) -> str:
    return f"{amount} {currency}"


def _account(party, purpose: str, currency: str) -> Account:
    return account_for(party=party, purpose=purpose, currency=currency)


def _locked(withdrawal: Withdrawal) -> Withdrawal:
    rows = lock_rows(Withdrawal.objects.filter(pk=withdrawal.pk).select_related("supplier", "distributor"))
    if not rows:
        raise WithdrawalError(_("This withdrawal no longer exists."))
    return rows[0]


def _wrong_state(withdrawal: Withdrawal, doing: str) -> WithdrawalError:
    already = {
        Status.APPROVED: _("This withdrawal is already approved."),
        Status.PAID: _("This withdrawal is already paid."),
        Status.FAILED: _("This withdrawal already failed and its funds were returned."),
        Status.REJECTED: _("This withdrawal is already rejected and its funds were returned."),
        Status.REQUESTED: _("This withdrawal is not approved yet."),
    }[withdrawal.status]
    return WithdrawalError(_("Cannot %(doing)s: %(why)s") % {"doing": doing, "why": already})


def _post(withdrawal: Withdrawal, step: str, kind: str, legs: list[Leg]):
    return ledger_post(key=f"withdrawal:{withdrawal.pk}:{step}", kind=kind, legs=legs,
                       memo=f"withdrawal #{withdrawal.pk} · {withdrawal.party} · {step}")


def withdrawal_request(*, party, amount, currency: str, actor) -> Withdrawal:
    """The party asks for `amount` of its available balance; the amount moves to "withdrawing" at once."""
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise WithdrawalError(_("Enter the amount as a number, e.g. 150.00.")) from None
    if amount != quantize(amount):
        raise WithdrawalError(_("Enter the amount in whole cents, e.g. 150.25."))
    fields = _party_fields(party)
    currency = (currency or "").upper()
    now = timezone.now()
    minimum, fee = minimum_amount(at=now), withdrawal_fee(at=now)
    if currency != ledger_currency():
        raise WithdrawalError(_("Withdrawals are paid in %(currency)s, the currency of your balance; "
                                "%(asked)s is not possible.")
                              % {"currency": ledger_currency(), "asked": currency or "—"})
    if amount < minimum:
        raise WithdrawalError(_("The smallest withdrawal is %(minimum)s %(currency)s.")
                              % {"minimum": minimum, "currency": currency})
    if amount <= fee:
        raise WithdrawalError(_("The amount must be more than the %(fee)s %(currency)s fee.")
                              % {"fee": fee, "currency": currency})
    with transaction.atomic():
        available = _account(party, Purpose.AVAILABLE, currency)
        withdrawing = _account(party, Purpose.WITHDRAWING, currency)
        lock_rows(Account.objects.filter(pk=available.pk))  # a racing request waits here, then sees our posting
        left = balance(account=available)
        if amount > left:
            raise WithdrawalError(_("You can withdraw at most %(available)s %(currency)s (your available balance).")
                                  % {"available": max(left, Decimal("0.00")), "currency": currency})
        withdrawal = Withdrawal.objects.create(amount=amount, fee=fee, currency=currency,
                                               requested_by=saved_user(actor), **fields)
        _post(withdrawal, "request", TransactionKind.WITHDRAWAL, [
            Leg(available, -amount, PostingKind.WITHDRAWAL),
            Leg(withdrawing, amount, PostingKind.WITHDRAWAL),
        ])
        audit_record(action="withdrawal.requested", actor=actor, target=withdrawal,
                     changes={"amount": str(amount), "fee": str(fee), "currency": currency})
        event_emit(kind="withdrawal.requested", audiences=[Audience.operator()],
                   params={"amount": _shown(amount, currency), "party": str(party)})
    return withdrawal


def withdrawal_reject(*, withdrawal: Withdrawal, reason: str, actor) -> Withdrawal:
    """The operator refuses a request: the amount goes back to available."""
    return _return_funds(withdrawal=withdrawal, reason=reason, actor=actor, expected=Status.REQUESTED,
                         doing=_("reject"), outcome=Status.REJECTED)


def _return_funds(*, withdrawal: Withdrawal, reason: str, actor, expected: str, doing: str,
                  outcome: str) -> Withdrawal:
    """A request rejected, or a payout that failed: the whole amount goes back to the party's available balance
    (from withdrawing, or from payouts in transit once approved), no fee; the reason is kept for the party."""
    reason = (reason or "").strip()
    if not reason:
        raise WithdrawalError(_("Give a reason: the party sees it."))
    with transaction.atomic():
        withdrawal = _locked(withdrawal)
        if withdrawal.status != expected:
            raise _wrong_state(withdrawal, doing)
        party, currency, amount = withdrawal.party, withdrawal.currency, withdrawal.amount
        rejected = outcome == Status.REJECTED
        source = (_account(party, Purpose.WITHDRAWING, currency) if rejected
                  else _account(None, Purpose.PAYOUTS_IN_TRANSIT, currency))
        kind = PostingKind.WITHDRAWAL if rejected else PostingKind.PAYOUT
        _post(withdrawal, "reject" if rejected else "failed",
              TransactionKind.WITHDRAWAL if rejected else TransactionKind.PAYOUT, [
                  Leg(source, -amount, kind), Leg(_account(party, Purpose.AVAILABLE, currency), amount, kind)])
        withdrawal.status, withdrawal.reason = outcome, reason[:255]
        withdrawal.finished_at = timezone.now()
        fields = ["status", "reason", "finished_at"]
        if rejected:
            withdrawal.decided_by, withdrawal.decided_at = saved_user(actor), withdrawal.finished_at
            fields += ["decided_by", "decided_at"]
        withdrawal.save(update_fields=fields)
        audit_record(action="withdrawal.rejected" if rejected else "withdrawal.failed", actor=actor,
                     target=withdrawal, changes={"reason": reason})
    return withdrawal


def payout_account_of(party) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(**_party_fields(party)).first()


def withdrawal_approve(*, withdrawal: Withdrawal, actor) -> Withdrawal:
    """The operator approves: the amount is in transit. With a Stripe connected account (and Stripe configured)
    the transfer is sent once this commits; otherwise it waits for the operator to record the bank transfer."""
    with transaction.atomic():
        withdrawal = _locked(withdrawal)
        if withdrawal.status != Status.REQUESTED:
            raise _wrong_state(withdrawal, _("approve"))
        party, currency, amount = withdrawal.party, withdrawal.currency, withdrawal.amount
        _post(withdrawal, "approve", TransactionKind.WITHDRAWAL, [
            Leg(_account(party, Purpose.WITHDRAWING, currency), -amount, PostingKind.WITHDRAWAL),
            Leg(_account(None, Purpose.PAYOUTS_IN_TRANSIT, currency), amount, PostingKind.WITHDRAWAL),
        ])
        payout = payout_account_of(party)
        by_stripe = bool(payout and payout.stripe_account_id and stripe_connect.is_configured())
        withdrawal.status = Status.APPROVED
        withdrawal.method = Withdrawal.Method.STRIPE if by_stripe else Withdrawal.Method.MANUAL
        withdrawal.decided_by, withdrawal.decided_at = saved_user(actor), timezone.now()
        withdrawal.save(update_fields=["status", "method", "decided_by", "decided_at"])
        audit_record(action="withdrawal.approved", actor=actor, target=withdrawal,
                     changes={"method": withdrawal.method})
        event_emit(kind="withdrawal.approved", audiences=[_audience(party)],
                   params={"amount": _shown(amount, currency)})
        if by_stripe:
            pk = withdrawal.pk
            transaction.on_commit(lambda: withdrawal_transfer(withdrawal=Withdrawal.objects.get(pk=pk), actor=actor))
    return withdrawal


def withdrawal_transfer(*, withdrawal: Withdrawal, actor=None) -> Withdrawal:
    """Send an approved Stripe withdrawal's transfer of (amount − fee): paid with the transfer id, or failed (funds
    returned) when Stripe refuses. Unreachable: it stays approved, with the reason, to be sent again (the
    idempotency key `withdrawal-<id>` makes a repeat return the first transfer, never a second one)."""
    if withdrawal.status != Status.APPROVED:
        raise _wrong_state(withdrawal, _("send the transfer"))
    if withdrawal.method != Withdrawal.Method.STRIPE:
        raise WithdrawalError(_("This withdrawal is paid by bank transfer: record its reference instead."))
    payout = payout_account_of(withdrawal.party)
    if not (payout and payout.stripe_account_id):
        return withdrawal_mark_failed(withdrawal=withdrawal, actor=actor,
                                      reason=_("The party has no Stripe connected account any more."))
    try:
        transfer = stripe_connect.transfer_create(
            amount_minor=to_minor(withdrawal.net, withdrawal.currency), currency=withdrawal.currency,
            destination=payout.stripe_account_id, idempotency_key=f"withdrawal-{withdrawal.pk}",
            metadata={"withdrawal": withdrawal.pk})
    except stripe_connect.PayoutRefused as refused:
        return withdrawal_mark_failed(withdrawal=withdrawal, actor=actor,
                                      reason=_("Stripe refused the transfer: %(error)s") % {"error": refused})
    except stripe_connect.PayoutUnreachable as unknown:
        Withdrawal.objects.filter(pk=withdrawal.pk, status=Status.APPROVED).update(
            reason=(_("Stripe could not be reached (%(error)s); send the transfer again.")
                    % {"error": unknown})[:255])
        withdrawal.refresh_from_db()
        return withdrawal
    return withdrawal_mark_paid(withdrawal=withdrawal, reference=transfer.id, actor=actor)


def withdrawal_mark_paid(*, withdrawal: Withdrawal, reference: str, actor) -> Withdrawal:
    """The money reached the party (Stripe transfer id, or the bank transfer's reference typed by the operator)."""
    reference = (reference or "").strip()
    if not reference:
        raise WithdrawalError(_("Enter the bank transfer's reference."))
    with transaction.atomic():
        withdrawal = _locked(withdrawal)
        if withdrawal.status != Status.APPROVED:
            raise _wrong_state(withdrawal, _("mark paid"))
        currency, amount, fee = withdrawal.currency, withdrawal.amount, withdrawal.fee
        _post(withdrawal, "paid", TransactionKind.PAYOUT, [
            Leg(_account(None, Purpose.PAYOUTS_IN_TRANSIT, currency), -amount, PostingKind.PAYOUT),
            Leg(_account(None, Purpose.CASH, currency), amount - fee, PostingKind.PAYOUT),
            Leg(_account(None, Purpose.WITHDRAWAL_FEES, currency), fee, PostingKind.WITHDRAWAL_FEE),
        ])
        withdrawal.status, withdrawal.reference, withdrawal.reason = Status.PAID, reference[:128], ""
        withdrawal.finished_at = timezone.now()
        withdrawal.save(update_fields=["status", "reference", "reason", "finished_at"])
        audit_record(action="withdrawal.paid", actor=actor, target=withdrawal, changes={"reference": reference})
        event_emit(kind="withdrawal.paid", audiences=[_audience(withdrawal.party)],
                   params={"amount": _shown(withdrawal.net, currency), "reference": reference})
    return withdrawal


def withdrawal_mark_failed(*, withdrawal: Withdrawal, reason: str, actor) -> Withdrawal:
    """The payout did not happen (refused, bounced): the whole amount returns to available, no fee."""
    return _return_funds(withdrawal=withdrawal, reason=reason, actor=actor, expected=Status.APPROVED,
                         doing=_("mark failed"), outcome=Status.FAILED)


def payout_account_save(*, party, actor, stripe_account_id: str = "", bank_holder: str = "",
                        bank_account: str = "") -> PayoutAccount:
    """The party's owner or manager says where withdrawals go."""
    stripe_account_id = (stripe_account_id or "").strip()
    if stripe_account_id and not (stripe_account_id.startswith("acct_") and len(stripe_account_id) > 5
                                  and stripe_account_id.replace("_", "").isalnum()):
        raise WithdrawalError(_("A Stripe connected account id looks like acct_1A2b3C…"))
    with transaction.atomic():
        account, _created = PayoutAccount.objects.get_or_create(**_party_fields(party))
        before = {"stripe_account_id": account.stripe_account_id, "bank_holder": account.bank_holder,
                  "bank_account": account.bank_account}
        account.stripe_account_id = stripe_account_id
        account.bank_holder = (bank_holder or "").strip()[:128]
        account.bank_account = (bank_account or "").strip()[:128]
        account.updated_by = saved_user(actor)
        account.save()
        after = {"stripe_account_id": account.stripe_account_id, "bank_holder": account.bank_holder,
                 "bank_account": account.bank_account}
        audit_record(action="withdrawal.payout_account", actor=actor, target=account,
                     changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return account
