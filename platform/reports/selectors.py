"""The operator's analytics figures: SQL aggregates over order lines, delivery charges and ledger postings.

Every figure is one GROUP BY or one conditional aggregate, never a Python loop over lines: a page runs the same
number of queries whatever the period and the number of stores (tests/test_reports_*.py assert it).

Definitions (the pages repeat them in small print):

- **Counted order**: an order with a payment that counts (`Payment.RECEIVED`: paid, partially or fully refunded;
  not flagged `duplicate`). It counts on the local day (settings.TIME_ZONE) of that payment's `paid_at`. A later
  refund does not uncount it: refunds are reported on their own.
- **GMV**: what shoppers paid for goods and delivery: each counted line's price incl. tax after discounts
  (`line_price_incl_tax`) + the stores' delivery charges (`OrderShipping.charge`). With a store or distributor
  filter, the delivery charges of those stores only; with a supplier or category filter, goods only (a delivery
  charge belongs to a store, not to a product).
- **Orders**: distinct counted orders having at least one line in the filtered set.
- **Average order value**: GMV / orders.
- **Paying shoppers**: distinct signed-in shoppers plus distinct guest e-mails among those orders.
- **Active stores**: distinct stores with at least one counted line.
- **Refunded**: money given back in the period (ledger reversal postings dated in it): the reversed parts of
  the filtered lines, plus reversed delivery charges of the filtered stores (when delivery counts, see GMV).
- **Refund rate**: refunded / GMV of the same period.

Contribution per store (or supplier, or distributor), over the same lines:

- **Sales**: goods paid (`line_price_incl_tax`), counted orders of the period; **orders** as above.
- **Margin**: the distributor's margin as the split computes it: retail before discounts − wholesale × units.
- **Discount cost**: retail before discounts − what the shopper paid for the lines.
- **Refund cost**: money given back for its lines in the period (minus the sum of their reversal postings).
- **Marketing cost share**: platform promotions and team bonuses posted on its lines (net of reversals).
- **Contribution**: the platform revenue its lines made: commission − platform promotions − team bonuses, the
  line-attributable parts of settlement.finance_selectors.REVENUE_PARTS (withdrawal and card fees belong to no
  line), all net of refund reversals, by posting date.
- **Rank**: by contribution, highest first. **Trend**: sales against the previous period of equal length.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from oscar.core.loading import get_model

from payments.models import Payment
from settlement.finance_selectors import period_bounds
from settlement.models import Holder, Posting, PostingKind, Purpose
from settlement.selectors import db_day, money

ZERO = Decimal("0.00")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
MONEY = DecimalField(max_digits=14, decimal_places=2)
PAID_AT = "order__payments__paid_at"
MARKETING = (Purpose.PROMOTIONS, Purpose.TEAM_BONUS)
CONTRIBUTING = (Purpose.COMMISSION, Purpose.PROMOTIONS, Purpose.TEAM_BONUS)
GROUPS = {"store": "store_id", "supplier": "supplier_id", "distributor": "store__distributor_id"}


@dataclass(frozen=True)
class Filters:
    """What the report looks at: whole local days [start, end] and optionally one store, supplier, distributor
    or category (a category includes its subcategories)."""

    start: date
    end: date
    store: object = None
    supplier: object = None
    distributor: object = None
    category: object = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of equal length just before."""
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    @property
    def with_delivery(self) -> bool:
        """Delivery charges belong to stores: they count unless the report narrows to a supplier or category."""
        return self.supplier is None and self.category is None

    def line_q(self, prefix: str = "") -> Q:
        """Lines in the filtered set (`prefix` reaches the line from another model, e.g. "line__")."""
        q = Q()
        if self.store is not None:
            q &= Q(**{f"{prefix}store_id": self.store.pk})
        if self.supplier is not None:
            q &= Q(**{f"{prefix}supplier_id": self.supplier.pk})
        if self.distributor is not None:
            q &= Q(**{f"{prefix}store__distributor_id": self.distributor.pk})
        if self.category is not None:
            path = self.category.path
            products = Product.objects.filter(Q(categories__path__startswith=path)
                                              | Q(parent__categories__path__startswith=path)).values("pk")
            q &= Q(**{f"{prefix}product_id__in": products})
        return q

    def store_q(self, field_name: str) -> Q:
        """Delivery charges of the filtered stores (`field_name` is the store's id field)."""
        q = Q()
        if self.store is not None:
            q &= Q(**{field_name: self.store.pk})
        if self.distributor is not None:
            q &= Q(**{field_name.replace("_id", "__distributor_id"): self.distributor.pk})
        return q


def counted(since, until, prefix: str = "") -> Q:
    """Rows whose order has a payment that counts, paid in [since, until) — in ONE filter() call, so that every
    later reference to `order__payments__paid_at` reuses the same join (one counting payment per order)."""
    return Q(**{f"{prefix}order__payments__status__in": Payment.RECEIVED, f"{prefix}order__payments__duplicate": False,
                f"{prefix}order__payments__paid_at__gte": since, f"{prefix}order__payments__paid_at__lt": until})


def change(current, previous):
    """Per cent change, None when there is nothing to compare with."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"))


def ratio(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


# --- the overview ---------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The six headline figures of one window."""

    gmv: Decimal = ZERO
    orders: int = 0
    shoppers: int = 0
    stores: int = 0
    refunded: Decimal = ZERO

    @property
    def average(self) -> Decimal:
        return money(self.gmv / self.orders) if self.orders else ZERO

    @property
    def refund_rate(self):
        return ratio(self.refunded, self.gmv)


@dataclass
class Compared:
    name: str
    current: object
    previous: object

    @property
    def change(self):
        return change(self.current, self.previous)


@dataclass
class Overview:
    filters: Filters
    today: date
    figures: dict = field(default_factory=dict)  # {"period"|"previous"|"today"|"yesterday": Figures}
    gmv_by_day: dict = field(default_factory=dict)
    orders_by_day: dict = field(default_factory=dict)
    top_stores: list = field(default_factory=list)  # [(name, gmv, orders)]
    top_products: list = field(default_factory=list)  # [(title, gmv, units)]
    channels: list = field(default_factory=list)  # [(channel, gmv, orders)]

    def compare(self, now: str, then: str) -> list[Compared]:
        a, b = self.figures[now], self.figures[then]
        return [Compared(name, getattr(a, name), getattr(b, name)) for name in
                ("gmv", "orders", "average", "shoppers", "stores", "refunded", "refund_rate")]

    @property
    def days(self) -> list[date]:
        return [self.filters.start + timedelta(days=n) for n in range(self.filters.days)]


WINDOWS = ("period", "previous", "today", "yesterday")


def _windows(filters: Filters, today: date) -> dict:
    before = filters.previous
    yesterday = today - timedelta(days=1)
    spans = {"period": (filters.start, filters.end), "previous": before, "today": (today, today),
             "yesterday": (yesterday, yesterday)}
    return {name: period_bounds(*span) for name, span in spans.items()}


def _within(bounds, field_name: str) -> Q:
    since, until = bounds
    return Q(**{f"{field_name}__gte": since, f"{field_name}__lt": until})


def _outer(windows: dict):
    return min(since for since, _ in windows.values()), max(until for _, until in windows.values())


def analytics_overview(*, filters: Filters, today: date) -> Overview:
    """Every figure of the overview: eight queries at most, whatever the period and the data."""
    view = Overview(filters=filters, today=today)
    windows = _windows(filters, today)
    since, until = _outer(windows)
    lines = Line.objects.filter(counted(since, until), filters.line_q())
    paid = Coalesce(F("line_price_incl_tax"), Value(ZERO), output_field=MONEY)

    # 1. goods, orders, shoppers, stores of each window (one conditional aggregate)
    sums = {}
    for name, bounds in windows.items():
        inside = _within(bounds, PAID_AT)
        sums[f"{name}_gmv"] = Sum(paid, filter=inside)
        sums[f"{name}_orders"] = Count("order_id", distinct=True, filter=inside)
        sums[f"{name}_users"] = Count("order__user_id", distinct=True, filter=inside)
        sums[f"{name}_guests"] = Count("order__guest_email", distinct=True,
                                       filter=inside & Q(order__user_id__isnull=True))
        sums[f"{name}_stores"] = Count("store_id", distinct=True, filter=inside)
    row = lines.aggregate(**sums)
    for name in WINDOWS:
        view.figures[name] = Figures(gmv=money(row[f"{name}_gmv"]), orders=row[f"{name}_orders"],
                                     shoppers=row[f"{name}_users"] + row[f"{name}_guests"],
                                     stores=row[f"{name}_stores"])

    # 2. delivery charges of each window
    charges = _charges(filters, since, until)
    if charges is not None:
        row = charges.aggregate(**{name: Sum("charge", filter=_within(bounds, PAID_AT))
                                   for name, bounds in windows.items()})
        for name in WINDOWS:
            view.figures[name].gmv += money(row[name])

    # 3. refunded in each window (reversal postings)
    row = _reversals(filters, since, until).aggregate(**{name: Sum("amount", filter=_within(bounds, "posted_at"))
                                                        for name, bounds in windows.items()})
    for name in WINDOWS:
        view.figures[name].refunded = -money(row[name])

    # 4-5. the period day by day
    period = Line.objects.filter(counted(*windows["period"]), filters.line_q())
    for row in (period.annotate(day=TruncDate(PAID_AT)).values("day")
                .annotate(gmv=Sum(paid), orders=Count("order_id", distinct=True))):
        day = db_day(row["day"])
        view.gmv_by_day[day] = money(row["gmv"])
        view.orders_by_day[day] = row["orders"]
    charges = _charges(filters, *windows["period"])
    if charges is not None:
        for row in charges.annotate(day=TruncDate(PAID_AT)).values("day").annotate(total=Sum("charge")):
            day = db_day(row["day"])
            view.gmv_by_day[day] = view.gmv_by_day.get(day, ZERO) + money(row["total"])

    # 6. top stores (goods), 7. top products, 8. channel split (goods)
    view.top_stores = [(_name(row["store__name"], row["store__name_zh"]), money(row["gmv"]), row["orders"])
                       for row in period.values("store_id", "store__name", "store__name_zh")
                       .annotate(gmv=Sum(paid), orders=Count("order_id", distinct=True))
                       .order_by("-gmv", "store_id")[:10]]
    view.top_products = [(row["label"], money(row["gmv"]), row["units"]) for row in
                         period.annotate(item=Coalesce("product__parent_id", "product_id"))
                         .values("item").annotate(gmv=Sum(paid), units=Sum("quantity"),
                                                  label=Max(Coalesce("product__parent__title", "title")))
                         .order_by("-gmv", "item")[:10]]
    view.channels = [(row["store__channel"], money(row["gmv"]), row["orders"]) for row in
                     period.values("store__channel").annotate(gmv=Sum(paid), orders=Count("order_id", distinct=True))
                     .order_by("store__channel")]
    return view


def _charges(filters: Filters, since, until):
    """Delivery charges of counted orders in [since, until), None when the filter excludes delivery."""
    if not filters.with_delivery:
        return None
    from storefront.models import OrderShipping

    return OrderShipping.objects.filter(counted(since, until), filters.store_q("store_id"))


def _reversals(filters: Filters, since, until):
    """Reversal postings dated in [since, until): of the filtered lines, and of the filtered stores' delivery."""
    on_lines = Q(line__isnull=False) & filters.line_q("line__")
    scope = on_lines
    if filters.with_delivery:
        scope |= Q(line__isnull=True, reverses__kind=PostingKind.SHIPPING) & filters.store_q(
            "reverses__maturity__store_id")
    return Posting.objects.filter(scope, kind=PostingKind.REVERSAL, posted_at__gte=since, posted_at__lt=until)


def _name(name: str, name_zh: str) -> str:
    from django.utils.translation import get_language

    return name_zh if name_zh and (get_language() or "").lower().startswith("zh") else (name or "—")


# --- the contribution report ------------------------------------------------------------------------------------


@dataclass
class ContributionRow:
    key: object
    name: str
    sales: Decimal = ZERO
    previous_sales: Decimal = ZERO
    orders: int = 0
    margin: Decimal = ZERO
    discounts: Decimal = ZERO
    refunds: Decimal = ZERO
    marketing: Decimal = ZERO
    contribution: Decimal = ZERO
    rank: int = 0

    @property
    def trend(self):
        return change(self.sales, self.previous_sales)


SORTABLE = ("name", "sales", "orders", "margin", "discounts", "refunds", "marketing", "contribution", "rank",
            "trend")


def contribution_rows(*, filters: Filters, by: str = "store", sort: str = "rank") -> list[ContributionRow]:
    """One row per store (or supplier, or distributor) that sold in the period or the one before: three queries."""
    key = GROUPS[by]
    since, until = period_bounds(*filters.previous)[0], period_bounds(filters.start, filters.end)[1]
    current = _within(period_bounds(filters.start, filters.end), PAID_AT)
    before = _within(period_bounds(*filters.previous), PAID_AT)
    paid = Coalesce(F("line_price_incl_tax"), Value(ZERO), output_field=MONEY)
    retail = Coalesce(F("line_price_before_discounts_incl_tax"), Value(ZERO), output_field=MONEY)
    wholesale = ExpressionWrapper(Coalesce(F("wholesale_price"), Value(ZERO), output_field=MONEY) * F("quantity"),
                                  output_field=MONEY)
    rows: dict = {}

    # 1. sales, orders, margin and discounts from the lines; sales of the period before
    lines = (Line.objects.filter(counted(since, until), filters.line_q()).values(key)
             .annotate(sales=Sum(paid, filter=current), previous=Sum(paid, filter=before),
                       orders=Count("order_id", distinct=True, filter=current),
                       retail=Sum(retail, filter=current), wholesale=Sum(wholesale, filter=current)))
    for row in lines:
        item = rows.setdefault(row[key], ContributionRow(key=row[key], name=""))
        item.sales, item.previous_sales, item.orders = money(row["sales"]), money(row["previous"]), row["orders"]
        item.margin = money(row["retail"]) - money(row["wholesale"])
        item.discounts = money(row["retail"]) - item.sales

    # 2. refunds, marketing and platform revenue from the postings on those lines in the period
    start, end = period_bounds(filters.start, filters.end)
    platform = Q(account__holder=Holder.PLATFORM)
    postings = (Posting.objects.filter(filters.line_q("line__"), line__isnull=False, posted_at__gte=start,
                                       posted_at__lt=end)
                .values(f"line__{key}")
                .annotate(refunds=Sum("amount", filter=Q(kind=PostingKind.REVERSAL)),
                          marketing=Sum("amount", filter=platform & Q(account__purpose__in=MARKETING)),
                          contribution=Sum("amount", filter=platform & Q(account__purpose__in=CONTRIBUTING))))
    for row in postings:
        item = rows.setdefault(row[f"line__{key}"], ContributionRow(key=row[f"line__{key}"], name=""))
        item.refunds, item.marketing = -money(row["refunds"]), -money(row["marketing"])
        item.contribution = money(row["contribution"])

    # 3. names
    names = _names(by, [k for k in rows if k is not None])
    for item in rows.values():
        item.name = names.get(item.key, "") if item.key is not None else _no_owner(by)
    ordered = sorted(rows.values(), key=lambda r: (-r.contribution, -r.sales, r.name))
    for index, item in enumerate(ordered, start=1):
        item.rank = index
    return sort_rows(ordered, sort)


def sort_rows(rows: list[ContributionRow], sort: str) -> list[ContributionRow]:
    """`sort` is a column name, "-name" for descending; unknown columns keep the rank order."""
    name = sort.lstrip("-")
    if name not in SORTABLE:
        return rows
    descending = sort.startswith("-")
    present = [r for r in rows if getattr(r, name) is not None]
    missing = [r for r in rows if getattr(r, name) is None]
    present.sort(key=lambda r: (getattr(r, name), -r.rank) if descending else (getattr(r, name), r.rank),
                 reverse=descending)
    return present + missing


def contribution_totals(rows: list[ContributionRow]) -> ContributionRow:
    total = ContributionRow(key=None, name="")
    for name in ("sales", "previous_sales", "orders", "margin", "discounts", "refunds", "marketing", "contribution"):
        setattr(total, name, sum((getattr(r, name) for r in rows), ZERO if name != "orders" else 0))
    return total


def _names(by: str, keys: list) -> dict:
    from parties.models import Distributor, Store, Supplier

    model = {"store": Store, "supplier": Supplier, "distributor": Distributor}[by]
    return {party.pk: str(party) for party in model.objects.filter(pk__in=keys).only("name", "name_zh")}


def _no_owner(by: str) -> str:
    from django.utils.translation import gettext

    return {"store": gettext("(no store)"), "supplier": gettext("(no supplier)"),
            "distributor": gettext("Supplier flagship stores (no distributor)")}[by]
