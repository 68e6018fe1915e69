"""The operator's finance figures: SQL aggregates over the ledger, one query per figure group (never one per day).

A period is [start, end] in whole local days. Money from SQLite sums is quantized (it sums decimals as floats).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from settlement.models import Holder, Posting, PostingKind, Purpose, SettlementRun
from settlement.selectors import db_day, money

ZERO = Decimal("0.00")
REVENUE_PARTS = (Purpose.COMMISSION, Purpose.WITHDRAWAL_FEES, Purpose.PROMOTIONS, Purpose.TEAM_BONUS,
                 Purpose.GATEWAY_FEES, Purpose.POINTS)
# Revenue is the plain signed sum of these accounts: credits (commission, fees earned) add, debits (promotions,
# bonuses, card fees the platform bore) take away.


@dataclass
class Bar:
    label: str
    value: Decimal
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Chart:
    """Bars for a server-rendered SVG (no script): values below zero are drawn below the baseline."""

    title: str
    bars: list[Bar]
    width: int = 720
    height: int = 160
    baseline: float = 0
    top: Decimal = ZERO

    def __post_init__(self):
        values = [bar.value for bar in self.bars] or [ZERO]
        high, low = max(max(values), ZERO), min(min(values), ZERO)
        span = (high - low) or Decimal("1")
        self.top = high
        plot = self.height - 20
        self.baseline = round(10 + float(high / span) * plot, 2)
        step = self.width / max(len(self.bars), 1)
        for index, bar in enumerate(self.bars):
            size = float(abs(bar.value) / span) * plot
            bar.x = round(index * step + step * 0.1, 2)
            bar.width = round(max(step * 0.8, 1), 2)
            bar.height = round(size, 2)
            bar.y = round(self.baseline - size if bar.value >= 0 else self.baseline, 2)


@dataclass
class Overview:
    start: date
    end: date
    currency: str
    gmv: Decimal = ZERO
    payments: int = 0
    refunds: Decimal = ZERO
    revenue_parts: dict = field(default_factory=dict)  # {purpose: signed contribution to revenue}
    payables: dict = field(default_factory=dict)  # {purpose: sum over every party}
    negative_available: int = 0
    payouts: Decimal = ZERO
    payout_count: int = 0
    mismatches: int = 0
    gmv_by_day: dict = field(default_factory=dict)
    revenue_by_day: dict = field(default_factory=dict)

    @property
    def revenue(self) -> Decimal:
        return sum(self.revenue_parts.values(), ZERO)

    @property
    def payables_total(self) -> Decimal:
        return sum(self.payables.values(), ZERO)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def charts(self) -> list[Chart]:
        days = self.days
        return [
            Chart("gmv", [Bar(day.isoformat(), self.gmv_by_day.get(day, ZERO)) for day in days]),
            Chart("revenue", [Bar(day.isoformat(), self.revenue_by_day.get(day, ZERO)) for day in days]),
            Chart("payables", [Bar(str(Purpose(p).label), self.payables.get(p, ZERO)) for p in
                               (Purpose.PENDING, Purpose.AVAILABLE, Purpose.WITHDRAWING)], width=360),
        ]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local midnight at the start, local midnight after the last day."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone))


def _duplicates():
    """Transactions of payments received twice, and of their refunds: held aside, not sales."""
    return Posting.objects.filter(Q(kind=PostingKind.DUPLICATE) | Q(reverses__kind=PostingKind.DUPLICATE)
                                  ).values("transaction_id")


def mismatch_count() -> int:
    """Reconciliation mismatches not resolved yet."""
    from settlement.reconciliation.models import Mismatch

    return Mismatch.objects.filter(resolved_at__isnull=True).count()


def finance_overview(*, start: date, end: date, currency: str = "CNY") -> Overview:
    """Every figure of the overview page for [start, end]: six queries whatever the period's length."""
    since, until = period_bounds(start, end)
    currency = currency.upper()
    view = Overview(start=start, end=end, currency=currency)
    in_period = Posting.objects.filter(currency=currency, posted_at__gte=since, posted_at__lt=until)

    # 1. money received and given back, per day (the cash account's payment and refund postings)
    cash = (in_period.filter(account__holder=Holder.PLATFORM, account__purpose=Purpose.CASH,
                             kind__in=(PostingKind.PAYMENT, PostingKind.REFUND))
            .exclude(transaction_id__in=_duplicates())
            .annotate(day=TruncDate("posted_at")).values("day", "kind")
            .annotate(total=Sum("amount"), count=Count("transaction_id", distinct=True)))
    for row in cash:
        day, total = db_day(row["day"]), money(row["total"])
        if row["kind"] == PostingKind.PAYMENT:
            view.gmv += -total
            view.payments += row["count"]
            view.gmv_by_day[day] = view.gmv_by_day.get(day, ZERO) - total
        else:
            view.refunds += total

    # 2. platform revenue by part, per day
    view.revenue_parts = {purpose: ZERO for purpose in REVENUE_PARTS}
    revenue = (in_period.filter(account__holder=Holder.PLATFORM, account__purpose__in=REVENUE_PARTS)
               .annotate(day=TruncDate("posted_at")).values("day", "account__purpose")
               .annotate(total=Sum("amount")))
    for row in revenue:
        day, total = db_day(row["day"]), money(row["total"])
        view.revenue_parts[row["account__purpose"]] += total
        view.revenue_by_day[day] = view.revenue_by_day.get(day, ZERO) + total

    # 3. what the platform owes the parties at the end of the period, by state
    parties = Posting.objects.filter(currency=currency, posted_at__lt=until).exclude(account__holder=Holder.PLATFORM)
    view.payables = {purpose: ZERO for purpose in (Purpose.PENDING, Purpose.AVAILABLE, Purpose.WITHDRAWING)}
    for purpose, total in (parties.values("account__purpose").annotate(total=Sum("amount"))
                           .values_list("account__purpose", "total")):
        view.payables[purpose] = money(total)

    # 4. parties whose available balance is below zero (a refund after a withdrawal)
    view.negative_available = (parties.filter(account__purpose=Purpose.AVAILABLE).values("account_id")
                               .annotate(total=Sum("amount")).filter(total__lt=0).count())

    # 5. paid out to the parties in the period
    paid = (in_period.filter(kind=PostingKind.PAYOUT).exclude(account__holder=Holder.PLATFORM)
            .aggregate(total=Sum("amount"), count=Count("transaction_id", distinct=True)))
    view.payouts, view.payout_count = -money(paid["total"]), paid["count"]

    # 6. open reconciliation mismatches
    view.mismatches = mismatch_count()
    return view


def settlement_runs():
    return SettlementRun.objects.select_related("started_by").order_by("-started_at", "-pk")


def running_run() -> SettlementRun | None:
    return SettlementRun.objects.filter(status=SettlementRun.Status.RUNNING).first()


# --- the commission preview -------------------------------------------------------------------------------------


@dataclass
class PreviewLeg:
    who: str
    holder: str
    state: str
    kind: str
    amount: Decimal


@dataclass
class PreviewLine:
    line: object
    rate: object  # settlement.split.Rate: the rate, the supplier's share and which rule matched
    legs: list


@dataclass
class SplitPreview:
    order: object
    payment: object
    paid: bool
    rules: object
    lines: list
    other_legs: list  # delivery charges and the card fee (whole order only)
    totals: dict  # {who: amount}
    choices: list  # [(line pk, label)]


def _preview_leg(leg) -> PreviewLeg:
    from settlement.models import PostingKind

    account = leg.account
    return PreviewLeg(who=str(account.party or _platform()), holder=account.get_holder_display(),
                      state=account.get_purpose_display(), kind=str(PostingKind(leg.kind).label), amount=leg.amount)


def _platform() -> str:
    from django.utils.translation import gettext

    return gettext("Platform")


def split_preview(*, number: str, line_id: int | None = None) -> SplitPreview | None:
    """How order `number` splits, line by line, under the rules in force when it was placed; None: no such order.

    An order not paid yet is split as if paid now by card, for its total (the split only reads the payment)."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from payments.models import Payment
    from settlement.split import OrderSplit, commission_rate

    order = get_model("order", "Order").objects.filter(number=number).first()
    if order is None:
        return None
    payment = (order.payments.filter(status__in=Payment.RECEIVED, duplicate=False).order_by("-pk").first()
               or order.payments.order_by("-pk").first()
               or Payment(order=order, amount=order.total_incl_tax, currency=order.currency, method="stripe"))
    # OrderSplit.maturity() writes (get_or_create, matures_at) and account_for() may create accounts: the preview
    # must change nothing, so it runs in a savepoint rolled back once the legs are collected as plain values.
    with transaction.atomic():
        split = OrderSplit(payment=payment)
        lines, totals = [], {}
        for line in split.lines:
            if line_id is not None and line.pk != line_id:
                continue
            rate = commission_rate(rules=split.rules, category_paths=split.category_paths(line),
                                   plan_id=line.store.plan_id if line.store_id else None)
            lines.append(PreviewLine(line=line, rate=rate, legs=[_preview_leg(leg) for leg in split.line_legs(line)]))
        other = [] if line_id is not None else [_preview_leg(leg) for leg in split.shipping_legs() + split.fee_legs()]
        choices = [(line.pk, f"{line.partner_sku} × {line.quantity} · {line.title}") for line in split.lines]
        transaction.set_rollback(True)
    for leg in [leg for line in lines for leg in line.legs] + other:
        totals[leg.who] = totals.get(leg.who, ZERO) + leg.amount
    return SplitPreview(order=order, payment=payment, paid=bool(payment.pk and payment.status in Payment.RECEIVED),
                        rules=split.rules, lines=lines, other_legs=other, totals=totals, choices=choices)
