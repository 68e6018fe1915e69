"""Ledger queries: balances of a party or of the platform, an order's postings."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from parties.models import Distributor, Supplier
from payments.money import quantize
from settlement.models import DEBIT_NORMAL, Account, Holder, Posting, Purpose

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A database sum as cents (SQLite sums decimals in floating point; PostgreSQL exactly)."""
    return quantize(value or 0)


def db_day(value) -> date:
    """A `TruncDate` result as a date (PostgreSQL gives a date, SQLite a string)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Balances:
    """What the platform owes one party in one currency, by state. `available` may be negative (a refund after a
    withdrawal): it is shown as it is and recovered from later earnings."""

    currency: str
    pending: Decimal = ZERO
    available: Decimal = ZERO
    withdrawing: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.pending + self.available + self.withdrawing


def party_accounts(*, party):
    if isinstance(party, Supplier):
        return Account.objects.filter(holder=Holder.SUPPLIER, supplier=party)
    if isinstance(party, Distributor):
        return Account.objects.filter(holder=Holder.DISTRIBUTOR, distributor=party)
    raise TypeError(f"{type(party).__name__} holds no balance")


def party_balances(*, party, currency: str = "CNY") -> Balances:
    """The party's pending, available and withdrawing balances in `currency` (one query)."""
    sums = dict(Posting.objects.filter(account__in=party_accounts(party=party), currency=currency.upper())
                .values("account__purpose").annotate(total=Sum("amount")).values_list("account__purpose", "total"))
    return Balances(currency=currency.upper(), pending=money(sums.get(Purpose.PENDING)),
                    available=money(sums.get(Purpose.AVAILABLE)), withdrawing=money(sums.get(Purpose.WITHDRAWING)))


def platform_balances(*, currency: str = "CNY") -> dict[str, Decimal]:
    """{purpose: shown balance} of the platform's own accounts (assets and expenses shown positive)."""
    sums = (Posting.objects.filter(account__holder=Holder.PLATFORM, currency=currency.upper())
            .values("account__purpose").annotate(total=Sum("amount")).values_list("account__purpose", "total"))
    return {purpose: money(-total if purpose in DEBIT_NORMAL else total) for purpose, total in sums}


def ledger_totals() -> dict[str, Decimal]:
    """{currency: sum of every posting}: zero for each currency when the books balance."""
    return {currency: money(total) for currency, total in
            Posting.objects.values("currency").annotate(total=Sum("amount")).values_list("currency", "total")}
