"""Distributor queries: what may be listed, listings in scope, the price policy, teams and bonus rules, and the
sales figures of the portal overview (read from order lines until settlement posts them)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from distributor.models import BonusBasis, BonusRuleSet, Listing, PricePolicy, TeamInvitation, TeamLink
from parties.models import Distributor, Store
from parties.money import CENT
from parties.scoping import Scope, scoped
from supplier.selectors import market_products, on_sale

StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")

MONEY = DecimalField(max_digits=14, decimal_places=2)


def price_policy() -> PricePolicy:
    policy = PricePolicy.objects.order_by("pk").first()
    return policy or PricePolicy.objects.create()


def market_records() -> QuerySet:
    """SKUs a distributor may list: those of approved, on-shelf products of active suppliers.

    A SKU out of stock for now may still be listed (shoppers see it as unavailable until stock returns).
    Annotated with `entry_id`, the top-level product's catalogue entry.
    """
    return (StockRecord.objects.filter(on_sale("product__supplier_entry__")
                                       | on_sale("product__parent__supplier_entry__"))
            .annotate(entry_id=Coalesce("product__supplier_entry__pk", "product__parent__supplier_entry__pk")))


def category_records(*, category) -> list[int]:
    """Ids of the market's SKUs in `category` or any category below it."""
    categories = category.get_descendants_and_self()
    return sorted(set(market_records().filter(
        Q(product__categories__in=categories) | Q(product__parent__categories__in=categories))
        .values_list("pk", flat=True)))


def supplier_record(*, supplier) -> dict:
    """What a distributor weighs before listing a supplier's goods: its products in the market, how long it has
    been with the marketplace, and how many orders it has had (from order lines; none before the first sale)."""
    return {
        "supplier": supplier,
        "products": market_products(supplier_id=supplier.pk).count(),
        "since": supplier.created_at,
        "orders": Line.objects.filter(supplier=supplier).values("order_id").distinct().count(),
    }


def listing_list(*, scope: Scope, store_id: int | None = None, search: str = "", state: str = "") -> QuerySet:
    """Listings in scope, with what the listings page shows joined in. `state`: active, paused or flagged."""
    qs = scoped(Listing.objects.all(), scope=scope).select_related(
        "store", "stockrecord", "stockrecord__product", "entry__product", "entry__supplier")
    if store_id:
        qs = qs.filter(store_id=store_id)
    if search:
        qs = qs.filter(Q(entry__product__title__icontains=search) | Q(stockrecord__partner_sku__icontains=search))
    if state == "paused":
        qs = qs.filter(is_paused=True)
    elif state == "flagged":
        qs = qs.exclude(flag="")
    elif state == "active":
        qs = qs.filter(is_paused=False, flag="")
    return qs.order_by("store__name", "entry__product__title", "stockrecord__partner_sku")


def _sellable() -> QuerySet:
    """What shoppers can buy: listed, not paused, in band, of a product still in the market."""
    return Listing.objects.filter(on_sale("entry__"), is_paused=False, flag="")


def sellable_listings(*, store) -> QuerySet:
    """What a store's shoppers can buy (`store` may be an OuterRef)."""
    return _sellable().filter(store=store)


def sellable_listings_in(*, store_ids) -> QuerySet:
    """The same for several stores at once (a basket of several stores, the marketplace-wide page)."""
    return _sellable().filter(store_id__in=store_ids)


def listings_of_entry(*, scope: Scope, entry_id: int) -> dict[tuple[int, int], Listing]:
    """{(store id, stock record id): listing} of one product in the stores in scope (the market detail page)."""
    return {(listing.store_id, listing.stockrecord_id): listing
            for listing in scoped(Listing.objects.filter(entry_id=entry_id), scope=scope)}


# --- teams -------------------------------------------------------------------------------------------------------


def upline_chain(*, distributor: Distributor, levels: int | None = 3) -> list[Distributor]:
    """The distributor's upline, nearest first, up to `levels` (None: to the root). One query per level."""
    chain: list[Distributor] = []
    seen = {distributor.pk}
    current = distributor
    while levels is None or len(chain) < levels:
        link = TeamLink.objects.filter(distributor=current).select_related("upline").first()
        if link is None or link.upline_id in seen:
            break
        chain.append(link.upline)
        seen.add(link.upline_id)
        current = link.upline
    return chain


@dataclass
class TeamNode:
    distributor: Distributor
    depth: int
    joined_at: datetime | None = None
    month_sales: Decimal = Decimal("0.00")
    children: list["TeamNode"] = field(default_factory=list)


def team_tree(*, distributor: Distributor, month_of: datetime | None = None) -> TeamNode:
    """The distributor's downline as a tree with each member's own sales this month; one query per level."""
    root = TeamNode(distributor=distributor, depth=0)
    level = [root]
    seen = {distributor.pk}
    while level:
        by_pk = {node.distributor.pk: node for node in level}
        links = (TeamLink.objects.filter(upline_id__in=list(by_pk)).select_related("distributor")
                 .order_by("joined_at", "pk"))
        next_level = []
        for link in links:
            if link.distributor_id in seen:
                continue
            seen.add(link.distributor_id)
            parent = by_pk[link.upline_id]
            node = TeamNode(distributor=link.distributor, depth=parent.depth + 1, joined_at=link.joined_at)
            parent.children.append(node)
            next_level.append(node)
        level = next_level
    sales = monthly_sales(distributor_ids=seen, month_of=month_of or timezone.now())

    def fill(node: TeamNode) -> None:
        node.month_sales = sales.get(node.distributor.pk, Decimal("0.00"))
        for child in node.children:
            fill(child)

    fill(root)
    return root


def team_size(node: TeamNode) -> int:
    return sum(1 + team_size(child) for child in node.children)


def invitation_list(*, scope: Scope) -> QuerySet[TeamInvitation]:
    return scoped(TeamInvitation.objects.select_related("used_by", "inviter"), scope=scope)


def bonus_rules_at(*, when: datetime) -> BonusRuleSet | None:
    """The version in force at `when` (an order is settled under the rules of the moment it was placed)."""
    return BonusLookups().rules_at(when)


# --- sales figures (from order lines until settlement exists) ---------------------------------------------------


def _month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(moment)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start.replace(year=start.year + 1, month=1) if start.month == 12
           else start.replace(month=start.month + 1))
    return start, end


def _margin_expression():
    return ExpressionWrapper(F("line_price_incl_tax") - F("wholesale_price") * F("quantity"), output_field=MONEY)


def monthly_sales(*, distributor_ids, month_of: datetime) -> dict[int, Decimal]:
    """{distributor id: its stores' sales in the calendar month of `month_of`}."""
    start, end = _month_bounds(month_of)
    rows = (Line.objects.filter(store__distributor_id__in=list(distributor_ids), order__date_placed__gte=start,
                                order__date_placed__lt=end)
            .values("store__distributor_id").annotate(total=Sum("line_price_incl_tax")))
    return {row["store__distributor_id"]: row["total"] or Decimal("0.00") for row in rows}


@dataclass(frozen=True)
class BonusShare:
    level: int
    distributor: Distributor
    percent: Decimal
    amount: Decimal
    eligible: bool


class BonusLookups:
    """Rule versions, upline chains and monthly sales, each read once however many sales are split with it."""

    def __init__(self):
        self._versions: list[BonusRuleSet] | None = None
        self._chains: dict[tuple[int, int], list[Distributor]] = {}
        self._sales: dict[tuple[tuple[int, ...], datetime], dict[int, Decimal]] = {}

    def rules_at(self, when: datetime) -> BonusRuleSet | None:
        if self._versions is None:
            self._versions = list(BonusRuleSet.objects.order_by("-effective_from", "-version"))
        return next((rules for rules in self._versions if rules.effective_from <= when), None)

    def chain(self, seller: Distributor, levels: int) -> list[Distributor]:
        key = (seller.pk, levels)
        if key not in self._chains:
            self._chains[key] = upline_chain(distributor=seller, levels=levels)
        return self._chains[key]

    def month_sales(self, distributor_ids: list[int], when: datetime) -> dict[int, Decimal]:
        key = (tuple(distributor_ids), _month_bounds(when)[0])
        if key not in self._sales:
            self._sales[key] = monthly_sales(distributor_ids=distributor_ids, month_of=when)
        return self._sales[key]


def team_bonus_shares(*, seller: Distributor, sale: Decimal, margin: Decimal, placed_at: datetime,
                      lookups: BonusLookups | None = None) -> list[BonusShare]:
    """What each upline level earns from one sale by `seller`, under the rules in force at `placed_at`.

    An upline member below the rules' minimum own sales for that month is shown with `eligible=False` and 0.
    Pass one `lookups` when splitting many sales, so rules, chains and monthly sales are read once.
    """
    lookups = lookups or BonusLookups()
    rules = lookups.rules_at(placed_at)
    if rules is None or rules.levels == 0:
        return []
    basis = margin if rules.basis == BonusBasis.MARGIN else sale
    chain = lookups.chain(seller, rules.levels)
    sales = lookups.month_sales([d.pk for d in chain], placed_at) if chain else {}
    shares = []
    for level, upline in enumerate(chain, start=1):
        percent = rules.percent_for(level)
        eligible = sales.get(upline.pk, Decimal("0")) >= rules.min_monthly_sales
        amount = (max(basis, Decimal("0")) * percent / 100).quantize(CENT, ROUND_HALF_UP) if eligible else Decimal(
            "0.00")
        shares.append(BonusShare(level=level, distributor=upline, percent=percent, amount=amount, eligible=eligible))
    return shares


def store_sales(*, scope: Scope, since: datetime, until: datetime | None = None) -> QuerySet:
    """Per store in scope: orders, units, sales and margin of lines placed in [since, until)."""
    qs = Line.objects.filter(store__in=scoped(Store.objects.all(), scope=scope),
                             order__date_placed__gte=since)
    if until is not None:
        qs = qs.filter(order__date_placed__lt=until)
    return (qs.values("store_id", "store__name").annotate(
        orders=Count("order", distinct=True), units=Coalesce(Sum("quantity"), 0),
        sales=Coalesce(Sum("line_price_incl_tax"), Decimal("0"), output_field=MONEY),
        margin=Coalesce(Sum(_margin_expression()), Decimal("0"), output_field=MONEY))
        .order_by("-sales", "store__name"))


def top_products(*, scope: Scope, since: datetime, limit: int = 5) -> QuerySet:
    """Best-selling products of the stores in scope since `since`, by sales."""
    stores = scoped(Store.objects.all(), scope=scope)
    return (Line.objects.filter(store__in=stores, order__date_placed__gte=since)
            .values("product__parent__title", "title").annotate(units=Coalesce(Sum("quantity"), 0),
                                      sales=Coalesce(Sum("line_price_incl_tax"), Decimal("0"), output_field=MONEY),
                                      margin=Coalesce(Sum(_margin_expression()), Decimal("0"), output_field=MONEY))
            .order_by("-sales", "product__parent__title", "title")[:limit])


@dataclass
class Earnings:
    """The distributor's balances from the ledger: pending (split into team bonus and the rest, its own sales'
    margin net of commission, promotions and fees), available to withdraw, and asked to be withdrawn."""

    margin_pending: Decimal
    bonus_pending: Decimal
    available: Decimal = Decimal("0.00")
    withdrawing: Decimal = Decimal("0.00")

    @property
    def pending(self) -> Decimal:
        return self.margin_pending + self.bonus_pending


def earnings(*, distributor: Distributor, currency: str = "CNY") -> Earnings:
    """Pending, available and withdrawing balances from the ledger (two queries). The team bonus part of pending
    is the bonus postings (less their refund reversals) of order parts not yet matured."""
    from settlement.models import Posting, PostingKind, Purpose
    from settlement.selectors import money, party_accounts, party_balances

    balances = party_balances(party=distributor, currency=currency)
    pending = party_accounts(party=distributor).filter(purpose=Purpose.PENDING, currency=currency.upper())
    bonus = money(Posting.objects.filter(account__in=pending, maturity__isnull=False, maturity__settled_run=None)
                  .filter(Q(kind=PostingKind.BONUS) | Q(reverses__kind=PostingKind.BONUS))
                  .aggregate(total=Sum("amount"))["total"])
    return Earnings(margin_pending=balances.pending - bonus, bonus_pending=bonus, available=balances.available,
                    withdrawing=balances.withdrawing)
