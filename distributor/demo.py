"""Demo distribution: listings in every distributor store, a 2-level team, bonus rules v1 and a few orders.

Runs after the demo catalogues (`parties.demo.DEMO_STEPS`) and only with them. Everything goes through the
distributor services and oscar's order placement, as a distributor and a shopper would, except the bonus
rules, whose version 1 is backdated (see `load_bonus_rules`). Idempotent: each part is skipped when it is
already there (listings per store, team links per member, rules by version, orders by number).
"""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from distributor import services
from distributor.models import BonusBasis, BonusRuleSet, Listing, PriceRule, TeamLink
from distributor.selectors import market_records
from parties.models import Distributor, Store

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

# store slug → (offset, step) into the market's SKUs (sorted by SKU), so each store carries its own mix, and
# the price rule of each third of its SKUs: suggested retail, a markup (30-60 %), or fixed (per SKU, just
# under the suggested price, in whole yuan).
STORE_LISTINGS = {
    "sunrise-online": (0, 3, [(PriceRule.SUGGESTED, None), (PriceRule.MARKUP, Decimal("45")),
                              (PriceRule.FIXED, None)]),
    "sunrise-nanjing-road": (1, 4, [(PriceRule.MARKUP, Decimal("60")), (PriceRule.SUGGESTED, None),
                                    (PriceRule.MARKUP, Decimal("50"))]),
    "harbor-online": (2, 3, [(PriceRule.MARKUP, Decimal("35")), (PriceRule.FIXED, None),
                             (PriceRule.SUGGESTED, None)]),
    "maple-online": (1, 3, [(PriceRule.MARKUP, Decimal("40")), (PriceRule.SUGGESTED, None),
                            (PriceRule.MARKUP, Decimal("30"))]),
    "maple-kids": (3, 6, [(PriceRule.FIXED, None), (PriceRule.MARKUP, Decimal("55")), (PriceRule.SUGGESTED, None)]),
    # an exact-priced store: a markup could land between cents there, so suggested and fixed prices only
    "maple-pudong": (0, 5, [(PriceRule.SUGGESTED, None), (PriceRule.FIXED, None), (PriceRule.SUGGESTED, None)]),
}

# member slug, upline slug, invitation note: sunrise-retail ← harbor-goods ← maple-lifestyle
TEAM = [
    ("harbor-goods", "sunrise-retail", "Harbor Goods (Liu Yang)"),
    ("maple-lifestyle", "harbor-goods", "Maple Lifestyle (Huang Jie)"),
]

# The demo pretends the marketplace has run its team bonuses since this date.
BONUS_RULES_FROM = datetime(2025, 1, 1, tzinfo=UTC)

# order number, store slug, days before today (kept within this month), [(line index into the store's sellable
# listings, quantity)]
ORDERS = [
    ("DEMO-1001", "sunrise-online", 0, [(0, 1), (12, 2)]),
    ("DEMO-1002", "sunrise-nanjing-road", 0, [(15, 1)]),
    ("DEMO-1003", "harbor-online", 0, [(8, 1), (20, 2)]),
    ("DEMO-1004", "maple-online", 1, [(10, 3)]),
    ("DEMO-1005", "maple-pudong", 2, [(2, 1), (11, 1)]),
    ("DEMO-1006", "sunrise-online", 4, [(18, 1)]),
    ("DEMO-1007", "maple-kids", 6, [(6, 2)]),
    ("DEMO-1008", "harbor-online", 9, [(14, 1), (3, 1)]),
]
SHOPPER = "shopper@demo.test"


def _owner_user(distributor: Distributor):
    membership = distributor.memberships.order_by("pk").first()
    return membership.user if membership else None


def _fixed_price(record) -> Decimal:
    """A whole-yuan price a little under the suggested one, never under the supplier's floor."""
    price = (record.price * Decimal("0.95")).to_integral_value(ROUND_FLOOR)
    floor = record.min_retail_price if record.min_retail_price is not None else record.wholesale_price
    return max(price, floor.to_integral_value(ROUND_FLOOR) + 1).quantize(Decimal("0.01"))


def load_listings() -> None:
    records = list(market_records().select_related("product").order_by("partner_sku"))
    if not records:
        return
    for slug, (offset, step, rules) in STORE_LISTINGS.items():
        store = Store.objects.select_related("distributor").filter(slug=slug).first()
        if store is None or store.distributor is None or Listing.objects.filter(store=store).exists():
            continue
        distributor = store.distributor
        actor = _owner_user(distributor)
        chosen = records[offset::step]
        for part, (rule, markup) in enumerate(rules):
            share = chosen[part::len(rules)]
            if not share:
                continue
            if rule == PriceRule.FIXED:  # one fixed price per SKU
                for record in share:
                    services.listings_save(actor=actor, distributor=distributor, store_ids=[store.pk],
                                           record_ids=[record.pk], rule=rule, fixed_price=_fixed_price(record))
            else:
                services.listings_save(actor=actor, distributor=distributor, store_ids=[store.pk],
                                       record_ids=[record.pk for record in share], rule=rule,
                                       markup_percent=markup)


def load_team() -> None:
    for member_slug, upline_slug, note in TEAM:
        member = Distributor.objects.filter(slug=member_slug).first()
        upline = Distributor.objects.filter(slug=upline_slug).first()
        if member is None or upline is None or TeamLink.objects.filter(distributor=member).exists():
            continue
        invitation = services.team_invitation_create(actor=_owner_user(upline), distributor=upline, note=note)
        services.team_join(actor=_owner_user(member), token=invitation.token, distributor=member)


def load_bonus_rules() -> None:
    """Version 1: two levels, 10 % and 5 % of the seller's margin, no minimum sales.

    `bonus_rules_publish` refuses a start in the past (rules never rewrite settled history). The demo, though,
    backdates its history (orders earlier this month, a team that has been selling for a while), so its
    first version is written directly, in force from a fixed past date.
    """
    if BonusRuleSet.objects.filter(version=1).exists():
        return
    operator = get_user_model().objects.filter(email="operator@demo.test").first()
    BonusRuleSet.objects.create(version=1, levels=2, basis=BonusBasis.MARGIN, level_1_percent=Decimal("10"),
                                level_2_percent=Decimal("5"), level_3_percent=Decimal("0"),
                                min_monthly_sales=Decimal("0"), effective_from=BONUS_RULES_FROM,
                                created_by=operator)


def _placed_at(days_ago: int) -> datetime:
    """`days_ago` days before now, but never before the start of this month (local time)."""
    now = timezone.localtime()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(days=days_ago), month_start)


def load_orders() -> None:
    from oscar_apps.partner.strategy import Selector
    from storefront.addresses import shipping_address_new
    from storefront.services import order_place

    shopper = get_user_model().objects.filter(email=SHOPPER).first()
    if shopper is None:
        return
    for number, store_slug, days_ago, picks in ORDERS:
        if Order.objects.filter(number=number).exists():
            continue
        store = Store.objects.filter(slug=store_slug).first()
        if store is None:
            continue
        listings = list(Listing.objects.filter(store=store, is_paused=False, flag="")
                        .select_related("stockrecord__product").order_by("stockrecord__partner_sku"))
        basket = Basket.objects.create(owner=shopper)
        basket.strategy = Selector().strategy(store=store)
        for index, quantity in picks:
            if not listings:
                break
            product = listings[index % len(listings)].stockrecord.product
            info = basket.strategy.fetch_for_product(product)
            if info.availability.is_purchase_permitted(quantity)[0]:
                basket.add_product(product, quantity)
        if basket.is_empty:
            basket.delete()
            continue
        order_place(basket=basket, store=store, user=shopper, order_number=number, date_placed=_placed_at(days_ago),
                    shipping_address=shipping_address_new(), notify=False)


def load_distribution() -> None:
    from inventory.demo import load_stock_locations

    load_listings()
    load_team()
    load_bonus_rules()
    load_stock_locations()
    load_orders()
