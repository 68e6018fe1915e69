"""How a payment splits into everyone's share, line by line, under the commission rules in force when the order
was placed. Pure arithmetic over what the order recorded at the time of sale (store, supplier, wholesale price,
discounts): later price or rule changes never rewrite what a sale earned.

Per line of a distributor's store, with R the retail price before discounts, D the line's discount, P = R − D
what the shopper paid for it, W the wholesale price × quantity, C = P × rate the platform's commission:
  supplier     +W wholesale, −C×share commission
  distributor  +(R − W) margin, −C×(1 − share) commission, −D discount when its own promotion gave it
  platform     +C commission, −D promotions when the operator's promotion gave it
  uplines      +bonus each (the distribution rules), paid by the platform's team bonus account
In a supplier's own (flagship) store the supplier gets +R sale and bears all the commission. Each store's
delivery charge goes to whoever ships its goods (by units), the card fee (Stripe only) to the platform or the
seller as the rules say, and the money itself is the debit on the platform's cash account. Points the shopper paid
with are a debit on the platform's points account (their value): cash + points pay for the sellers' full shares.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from oscar.core.loading import get_model

from distributor.promotions.selectors import PLATFORM, discount_costs
from distributor.selectors import BonusLookups, team_bonus_shares
from parties.money import CENT
from points.selectors import order_redeemed
from settlement.ledger import Leg, account_for
from settlement.models import CommissionRuleSet, FeeBearer, Maturity, PostingKind, Purpose
from storefront.models import FulfilmentGroup, OrderShipping
from storefront.returns.selectors import return_window_days

Line = get_model("order", "Line")
ZERO = Decimal("0.00")
DEFAULT_RULES = CommissionRuleSet(version=0, default_rate=Decimal("0"), default_supplier_share=0,
                                  gateway_fee_percent=Decimal("0"), gateway_fee_fixed=ZERO)


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rules_at(when) -> CommissionRuleSet:
    """The commission rules in force at `when` (none configured: no commission, no fee)."""
    found = (CommissionRuleSet.objects.filter(effective_from__lte=when).prefetch_related("rules__category")
             .order_by("-effective_from", "-version").first())
    return found or DEFAULT_RULES


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    supplier_share: int
    source: str  # which rule matched, for the preview


def commission_rate(*, rules: CommissionRuleSet, category_paths: list[str], plan_id: int | None) -> Rate:
    """The most specific rule: category and level, then category, then level, then the version's default. A
    rule's category covers its subcategories; among category rules the deepest wins."""
    best, best_score = None, (-1, -1)
    for rule in (rules.rules.all() if rules.pk else []):
        if rule.plan_id is not None and rule.plan_id != plan_id:
            continue
        depth = 0
        if rule.category_id is not None:
            if not any(path.startswith(rule.category.path) for path in category_paths):
                continue
            depth = len(rule.category.path)
        score = (1 if rule.category_id is not None else 0, depth * 2 + (1 if rule.plan_id is not None else 0))
        if score > best_score:
            best, best_score = rule, score
    if best is None:
        return Rate(rules.default_rate, rules.default_supplier_share, "default")
    where = " · ".join(str(part) for part in (best.category, best.plan) if part is not None)
    return Rate(best.rate, best.supplier_share, where)


def maturity_date(*, order, store, paid_at=None):
    """When `store`'s part of `order` can no longer be returned: its last delivery (not cancelled groups) plus the
    store's window; None while any of its goods is undelivered. Goods sold at a till count as delivered when
    paid; a part with nothing left to deliver (all cancelled) matures at once."""
    groups = list(FulfilmentGroup.objects.filter(order=order, lines__line__store=store).distinct()
                  .values_list("status", "delivered_at"))
    window = timedelta(days=return_window_days(store=store, at=order.date_placed))  # the window the shopper was given
    if not groups:
        return (paid_at + window) if paid_at else None
    live = [(status, at) for status, at in groups if status != FulfilmentGroup.Status.CANCELLED]
    if not live:
        return max(at for _, at in groups if at) if any(at for _, at in groups) else order.date_placed
    if any(at is None for _, at in live):
        return None
    return max(at for _, at in live) + window


def maturity_redate(*, maturity: Maturity, order, store, paid_at) -> None:
    """Give an unsettled maturity the date its store's deliveries now call for (saved only when it changed)."""
    when = maturity_date(order=order, store=store, paid_at=paid_at)
    if when != maturity.matures_at:
        maturity.matures_at = when
        maturity.save(update_fields=["matures_at"])


class OrderSplit:
    """The legs of one payment: `legs()` for the whole order, `line_legs(line)` for the preview."""

    def __init__(self, *, payment):
        self.payment = payment
        self.order = payment.order
        self.currency = payment.currency
        self.rules = rules_at(self.order.date_placed)
        self.lookups = BonusLookups()
        self.lines = list(Line.objects.filter(order=self.order).select_related(
            "store__distributor", "store__supplier", "supplier", "product__parent").prefetch_related(
            Prefetch("product__categories"), Prefetch("product__parent__categories")).order_by("pk"))
        self._discount_owner = self._attribute_discounts()
        self._maturities: dict[int, Maturity] = {}

    def account(self, party, purpose):
        return account_for(party=party, purpose=purpose, currency=self.currency)

    # --- maturity of each store's part ---------------------------------------------------------------------------

    def maturity(self, store) -> Maturity:
        if store.pk not in self._maturities:
            found, _ = Maturity.objects.get_or_create(order=self.order, store=store)
            if found.settled_run_id is None:
                maturity_redate(maturity=found, order=self.order, store=store, paid_at=self.payment.paid_at)
            self._maturities[store.pk] = found
        return self._maturities[store.pk]

    # --- discounts: whose promotion paid for each line's ----------------------------------------------------------

    def _attribute_discounts(self) -> dict[int, dict]:
        """{line pk: {owner: amount}} where owner is a distributor pk or PLATFORM. A distributor's promotion only
        reaches its own stores' lines; whatever the order's discounts do not explain is the platform's."""
        costs = discount_costs(order=self.order) if self.order.discounts.exists() else {}
        left = {owner: amount for owner, amount in costs.items() if owner != PLATFORM}
        shares: dict[int, dict] = {}
        for line in self.lines:
            discount = cents(line.line_price_before_discounts_incl_tax - line.line_price_incl_tax)
            mine = {}
            owner = line.store.distributor_id if line.store_id else None
            if discount > 0 and owner in left and left[owner] > 0:
                take = min(discount, left[owner])
                left[owner] -= take
                mine[owner] = take
                discount -= take
            if discount > 0:
                mine[PLATFORM] = discount
            shares[line.pk] = mine
        return shares

    # --- one line --------------------------------------------------------------------------------------------------

    def category_paths(self, line) -> list[str]:
        product = line.product
        if product is None:
            return []
        owner = product.parent or product
        return [category.path for category in owner.categories.all()]

    def line_legs(self, line) -> list[Leg]:
        order_id, store = self.order.pk, line.store
        retail = cents(line.line_price_before_discounts_incl_tax)
        paid = cents(line.line_price_incl_tax)
        if store is None:  # cannot happen through a store; kept visible rather than lost
            return [Leg(self.account(None, Purpose.SUSPENSE), paid, PostingKind.SALE, order_id, line.pk)]
        maturity = self.maturity(store).pk
        rate = commission_rate(rules=self.rules, category_paths=self.category_paths(line), plan_id=store.plan_id)
        commission = cents(paid * rate.rate)
        legs: list[Leg] = []

        def leg(party, purpose, amount, kind):
            pending = purpose == Purpose.PENDING
            legs.append(Leg(self.account(party, purpose), amount, kind, order_id, line.pk,
                            maturity if pending else None))

        discounts = self._discount_owner.get(line.pk, {})
        if discounts.get(PLATFORM):
            leg(None, Purpose.PROMOTIONS, -discounts[PLATFORM], PostingKind.DISCOUNT)
        leg(None, Purpose.COMMISSION, commission, PostingKind.COMMISSION)
        if store.distributor_id is None:  # a supplier's flagship store: the supplier sells and bears it all
            leg(store.supplier, Purpose.PENDING, retail, PostingKind.SALE)
            leg(store.supplier, Purpose.PENDING, -commission, PostingKind.COMMISSION)
            return legs
        distributor, supplier = store.distributor, line.supplier
        wholesale = cents((line.wholesale_price or ZERO) * line.quantity) if supplier else ZERO
        supplier_part = cents(commission * rate.supplier_share / 100) if supplier else ZERO
        if supplier:
            leg(supplier, Purpose.PENDING, wholesale, PostingKind.WHOLESALE)
            leg(supplier, Purpose.PENDING, -supplier_part, PostingKind.COMMISSION)
        leg(distributor, Purpose.PENDING, retail - wholesale, PostingKind.MARGIN)
        leg(distributor, Purpose.PENDING, -(commission - supplier_part), PostingKind.COMMISSION)
        if discounts.get(distributor.pk):
            leg(distributor, Purpose.PENDING, -discounts[distributor.pk], PostingKind.DISCOUNT)
        for share in team_bonus_shares(seller=distributor, sale=paid, margin=paid - wholesale,
                                       placed_at=self.order.date_placed, lookups=self.lookups):
            if share.amount > 0:
                leg(share.distributor, Purpose.PENDING, share.amount, PostingKind.BONUS)
                leg(None, Purpose.TEAM_BONUS, -share.amount, PostingKind.BONUS)
        return legs

    # --- the whole payment -----------------------------------------------------------------------------------------

    def legs(self) -> list[Leg]:
        order_id, amount = self.order.pk, self.payment.amount
        cash = self.account(None, Purpose.CASH)
        if self.payment.duplicate:  # received for an order already paid: held aside until refunded
            return [Leg(cash, -amount, PostingKind.PAYMENT, order_id),
                    Leg(self.account(None, Purpose.SUSPENSE), amount, PostingKind.DUPLICATE, order_id)]
        legs = [Leg(cash, -amount, PostingKind.PAYMENT, order_id)]
        points = order_redeemed(order=self.order).value
        if points:  # the shopper paid part with points: the platform bears it, sellers are paid in full
            legs.append(Leg(self.account(None, Purpose.POINTS), -points, PostingKind.POINTS, order_id))
        for line in self.lines:
            legs += self.line_legs(line)
        legs += self.shipping_legs()
        legs += self.fee_legs()
        residual = -sum((leg.amount for leg in legs), ZERO)
        if residual:  # e.g. a delivery discount: what the lines and charges do not explain
            legs.append(Leg(self.account(None, Purpose.ROUNDING), residual, PostingKind.ROUNDING, order_id))
        return legs

    def shipping_legs(self) -> list[Leg]:
        """Each store's delivery charge to whoever ships its goods, in proportion to the units each ships."""
        legs = []
        stores = {line.store_id: line.store for line in self.lines if line.store_id}
        for charge in OrderShipping.objects.filter(order=self.order, charge__gt=0).order_by("store_id"):
            store = stores.get(charge.store_id) or charge.store
            units: dict = {}
            for group in (FulfilmentGroup.objects.filter(order=self.order, lines__line__store=store).distinct()
                          .select_related("supplier", "warehouse__store__distributor", "warehouse__store__supplier")
                          .order_by("pk")):
                shipper = group.supplier or (group.warehouse.store.owner if group.warehouse.store_id else store.owner)
                count = sum(fl.quantity for fl in group.lines.filter(line__store=store))
                units[shipper] = units.get(shipper, 0) + count
            if not units:
                units = {store.owner: 1}
            total, given = sum(units.values()), ZERO
            shippers = list(units.items())
            for index, (shipper, count) in enumerate(shippers):
                part = (charge.charge - given if index == len(shippers) - 1
                        else cents(charge.charge * count / total))
                given += part
                legs.append(Leg(self.account(shipper, Purpose.PENDING), cents(part), PostingKind.SHIPPING,
                                self.order.pk, None, self.maturity(store).pk))
        return legs

    def fee_legs(self) -> list[Leg]:
        """The card fee leaves the cash account; the platform or the sellers bear it (by their goods' value)."""
        if self.payment.method != "stripe" or self.payment.amount <= 0:
            return []
        fee = cents(self.payment.amount * self.rules.gateway_fee_percent / 100 + self.rules.gateway_fee_fixed)
        fee = min(fee, self.payment.amount)
        if fee <= 0:
            return []
        legs = [Leg(self.account(None, Purpose.CASH), fee, PostingKind.GATEWAY_FEE, self.order.pk)]
        if self.rules.gateway_fee_bearer == FeeBearer.PLATFORM or not any(line.store_id for line in self.lines):
            return [*legs, Leg(self.account(None, Purpose.GATEWAY_FEES), -fee, PostingKind.GATEWAY_FEE,
                               self.order.pk)]
        value: dict = {}
        for line in self.lines:
            if line.store_id:
                key = (line.store.owner, line.store)
                value[key] = value.get(key, ZERO) + cents(line.line_price_incl_tax)
        total, given, parts = sum(value.values(), ZERO), ZERO, list(value.items())
        for index, ((owner, store), amount) in enumerate(parts):
            part = fee - given if index == len(parts) - 1 else cents(fee * amount / total) if total else ZERO
            given += part
            legs.append(Leg(self.account(owner, Purpose.PENDING), -part, PostingKind.GATEWAY_FEE, self.order.pk,
                            None, self.maturity(store).pk))
        return legs
