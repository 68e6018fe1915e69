"""A party's statement: its ledger postings over a period, between an opening and a closing balance.

Periods are whole days in the operator's time zone (`settings.TIME_ZONE`), `start` included and `end` excluded.
The ledger is append-only and the postings are ordered by (posted_at, pk), so a period that has ended reads the
same every time it is generated.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from settlement.models import PARTY_PURPOSES, Posting, PostingKind, Purpose, TransactionKind
from settlement.selectors import ZERO, Balances, money, party_accounts

MAX_PERIOD_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the operator's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class StatementLine:
    pk: int
    posted_at: datetime  # in the operator's time zone
    kind: str
    kind_label: str
    state: str
    state_label: str
    reference: str
    amount: Decimal
    balance: Decimal  # running total of every state after this posting

    @property
    def date(self) -> date:
        return self.posted_at.date()

    @property
    def description(self) -> str:
        return f"{self.kind_label} · {self.state_label}"


@dataclass(frozen=True)
class Statement:
    party: object
    currency: str
    start: date
    end: date  # excluded
    opening: Balances
    closing: Balances
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def credits(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount > 0), ZERO)

    @property
    def debits(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount < 0), ZERO)

    @property
    def movement(self) -> Decimal:
        return self.closing.total - self.opening.total

    @property
    def closed(self) -> bool:
        """The period has ended: generating it again gives the same statement."""
        return day_start(self.end) <= timezone.now()

    def states(self) -> list[tuple[str, Decimal, Decimal]]:
        """(label, opening, closing) for pending, available and withdrawing."""
        return [(Purpose(purpose).label, getattr(self.opening, purpose), getattr(self.closing, purpose))
                for purpose in PARTY_PURPOSES]


def _reference(posting: Posting) -> str:
    """Where a posting came from: its order, refund, settlement run or withdrawal (read from its transaction)."""
    txn = posting.transaction
    order = txn.order or posting.order
    if txn.refund_id is not None:
        number = order.number if order else ""
        return _("Refund %(key)s of order %(number)s") % {"key": txn.refund.key, "number": number}
    if txn.run_id is not None:
        return _("Settlement run #%(run)s") % {"run": txn.run_id}
    if order is not None:
        return _("Order %(number)s") % {"number": order.number}
    if txn.kind in (TransactionKind.WITHDRAWAL, TransactionKind.PAYOUT):
        parts = txn.key.split(":")
        if len(parts) > 1 and parts[1].isdigit():
            return _("Withdrawal #%(number)s") % {"number": parts[1]}
    return txn.memo or txn.key


def _by_state(rows) -> dict[str, Decimal]:
    sums = defaultdict(lambda: ZERO)
    for purpose, total in rows:
        sums[purpose] += money(total)
    return sums


def statement(*, party, start: date, end: date, currency: str = "CNY") -> Statement:
    """The party's postings in [start, end) with the opening balance before `start` and the closing balance
    after the last of them, overall and per state (two queries)."""
    currency = currency.upper()
    accounts = party_accounts(party=party).filter(currency=currency)
    postings = Posting.objects.filter(account__in=accounts, currency=currency)
    since, until = day_start(start), day_start(end)
    opening_sums = _by_state(postings.filter(posted_at__lt=since).values("account__purpose")
                             .annotate(total=Sum("amount")).values_list("account__purpose", "total"))
    opening = Balances(currency=currency, **{p: opening_sums[p] for p in PARTY_PURPOSES})
    rows = (postings.filter(posted_at__gte=since, posted_at__lt=until)
            .select_related("account", "order", "transaction__order", "transaction__refund")
            .order_by("posted_at", "pk"))
    states = {p: opening_sums[p] for p in PARTY_PURPOSES}
    running = opening.total
    lines = []
    zone = timezone.get_default_timezone()
    for posting in rows:
        amount = money(posting.amount)
        running += amount
        purpose = posting.account.purpose
        states[purpose] = states.get(purpose, ZERO) + amount
        lines.append(StatementLine(
            pk=posting.pk, posted_at=timezone.localtime(posting.posted_at, zone), kind=posting.kind,
            kind_label=str(PostingKind(posting.kind).label) if posting.kind in PostingKind.values else posting.kind,
            state=purpose, state_label=str(Purpose(purpose).label), reference=_reference(posting), amount=amount,
            balance=running))
    closing = Balances(currency=currency, **{p: states[p] for p in PARTY_PURPOSES})
    return Statement(party=party, currency=currency, start=start, end=end, opening=opening, closing=closing,
                     lines=lines)


def upcoming_maturities(*, party, currency: str = "CNY", limit: int = 3) -> tuple[list[tuple[date, Decimal]], Decimal]:
    """The party's pending money by the day it becomes available (the next `limit` days), and the part still
    waiting for delivery (no date yet). One query."""
    pending = party_accounts(party=party).filter(currency=currency.upper(), purpose=Purpose.PENDING)
    rows = (Posting.objects.filter(account__in=pending, maturity__isnull=False, maturity__settled_run=None)
            .values("maturity__matures_at").annotate(total=Sum("amount"))
            .values_list("maturity__matures_at", "total"))
    by_day: dict = defaultdict(lambda: ZERO)
    undated = ZERO
    for matures_at, total in rows:
        if matures_at is None:
            undated += money(total)
        else:
            by_day[local_day(matures_at)] += money(total)
    days = [(day, amount) for day, amount in sorted(by_day.items()) if amount][:limit]
    return days, undated


# --- the period a page asks for ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # excluded
    month: str = ""  # "YYYY-MM" when the period is a calendar month
    error: str = ""

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def query(self) -> str:
        if self.month:
            return f"month={self.month}"
        return f"from={self.start.isoformat()}&to={self.last_day.isoformat()}"


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(start=first, end=following, month=f"{first:%Y-%m}")


def period_from(params, *, today: date | None = None) -> Period:
    """The period named by `month` (YYYY-MM) or `from` / `to` (YYYY-MM-DD, both included); this month when
    nothing is asked, and this month with an `error` when the request cannot be used."""
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    default = month_period(today)
    month = (params.get("month") or "").strip()
    first, last = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if not (first or last):
        if not month:
            return default
        try:
            day = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            return Period(default.start, default.end, default.month,
                          _("“%(value)s” is not a month (use YYYY-MM). Showing this month.") % {"value": month})
        if not EARLIEST <= day <= LATEST:
            return Period(default.start, default.end, default.month,
                          _("Choose a month from 2000 onwards. Showing this month."))
        return month_period(day)
    try:
        start = date.fromisoformat(first or last)
        end = date.fromisoformat(last or first)
    except ValueError:
        return Period(default.start, default.end, default.month,
                      _("Enter the dates as YYYY-MM-DD. Showing this month."))
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        return Period(default.start, default.end, default.month,
                      _("Choose dates from 2000 onwards. Showing this month."))
    if end < start:
        return Period(default.start, default.end, default.month,
                      _("The period ends before it starts. Showing this month."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        return Period(default.start, default.end, default.month,
                      _("Choose a period of at most %(days)s days. Showing this month.") % {"days": MAX_PERIOD_DAYS})
    return Period(start=start, end=end + timedelta(days=1))
