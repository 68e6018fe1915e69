"""The only writer of the ledger: accounts by holder and purpose, and `ledger_post`, which checks that a
transaction balances per currency and writes it once under its cause's key."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parties.models import Distributor, Supplier
from payments.money import quantize
from settlement.models import Account, Holder, LedgerTransaction, Posting


class LedgerError(ValueError):
    """A transaction that would not balance, or a key reused for different postings."""


@dataclass(frozen=True)
class Leg:
    """One posting to be written: credit positive, debit negative."""

    account: Account
    amount: Decimal
    kind: str
    order_id: int | None = None
    line_id: int | None = None
    maturity_id: int | None = None
    reverses_id: int | None = None


def account_for(*, party=None, purpose: str, currency: str) -> Account:
    """The account of `party` (a Supplier, a Distributor, or None for the platform) for `purpose` in `currency`."""
    currency = currency.upper()
    if party is None:
        fields = {"holder": Holder.PLATFORM}
    elif isinstance(party, Supplier):
        fields = {"holder": Holder.SUPPLIER, "supplier": party}
    elif isinstance(party, Distributor):
        fields = {"holder": Holder.DISTRIBUTOR, "distributor": party}
    else:
        raise TypeError(f"no ledger accounts for {type(party).__name__}")
    found = Account.objects.filter(purpose=purpose, currency=currency, **fields).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(purpose=purpose, currency=currency, **fields)
    except IntegrityError:  # created meanwhile by another transaction
        return Account.objects.get(purpose=purpose, currency=currency, **fields)


def balance(*, account: Account) -> Decimal:
    """The account's plain sum (credit positive)."""
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return quantize(total or 0)  # SQLite sums in floating point: back to cents


def ledger_post(*, key: str, kind: str, legs: list[Leg], memo: str = "", order=None, refund=None, run=None,
                at=None) -> tuple[LedgerTransaction, bool]:
    """Write one balanced transaction named `key`; (transaction, created). The key already taken → the stored
    transaction and False, nothing written. Zero legs are dropped; unbalanced legs raise LedgerError."""
    legs = [leg for leg in legs if leg.amount != 0]
    _check(key, legs)
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    at = at or timezone.now()
    try:
        with transaction.atomic():
            posted = LedgerTransaction.objects.create(key=key, kind=kind, memo=memo[:255], order=order,
                                                      refund=refund, run=run, posted_at=at)
            Posting.objects.bulk_create([
                Posting(transaction=posted, account=leg.account, amount=leg.amount, currency=leg.account.currency,
                        kind=leg.kind, order_id=leg.order_id, line_id=leg.line_id, maturity_id=leg.maturity_id,
                        reverses_id=leg.reverses_id, posted_at=at)
                for leg in legs])
    except IntegrityError:
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing, False
    return posted, True


@dataclass(frozen=True)
class Entry:
    """One transaction for `ledger_post_many`."""

    key: str
    kind: str
    legs: list[Leg]
    memo: str = ""
    run_id: int | None = None


def ledger_post_many(*, entries: list[Entry], at=None) -> int:
    """Write many balanced transactions at once (a settlement run's credits): each checked like `ledger_post`,
    keys already taken skipped; one query for the keys, one insert for the transactions, one for the postings.
    Returns how many were written. Call inside a transaction."""
    for entry in entries:
        _check(entry.key, entry.legs)
    taken = set(LedgerTransaction.objects.filter(key__in=[e.key for e in entries]).values_list("key", flat=True))
    entries = [entry for entry in entries if entry.key not in taken]
    at = at or timezone.now()
    rows = LedgerTransaction.objects.bulk_create([
        LedgerTransaction(key=e.key, kind=e.kind, memo=e.memo[:255], run_id=e.run_id, posted_at=at) for e in entries])
    Posting.objects.bulk_create([
        Posting(transaction=row, account=leg.account, amount=leg.amount, currency=leg.account.currency,
                kind=leg.kind, order_id=leg.order_id, line_id=leg.line_id, maturity_id=leg.maturity_id,
                reverses_id=leg.reverses_id, posted_at=at)
        for row, entry in zip(rows, entries, strict=True) for leg in entry.legs if leg.amount != 0], batch_size=2000)
    return len(rows)


def _check(key: str, legs: list[Leg]) -> None:
    if not key:
        raise LedgerError(_("A ledger transaction needs the key of its cause."))
    totals: dict[str, Decimal] = {}
    for leg in legs:
        if not isinstance(leg.amount, Decimal):
            raise TypeError("ledger amounts are Decimal, never float")
        if leg.amount != quantize(leg.amount):
            raise LedgerError(f"{key}: {leg.amount} is not quantized to the cent")
        totals[leg.account.currency] = totals.get(leg.account.currency, Decimal("0")) + leg.amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise LedgerError(f"{key}: postings do not balance: {unbalanced}")
