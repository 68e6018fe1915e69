"""The demo's distribution: listings in all six distributor stores, a 2-level team, bonus rules v1 and orders whose
lines record where and at what cost they were sold; loading the demo again adds nothing."""

from decimal import Decimal

from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from distributor.models import BonusBasis, BonusRuleSet, Listing, PriceRule, TeamInvitation, TeamLink
from distributor.selectors import upline_chain
from parties.demo import load_demo
from parties.models import Distributor, Store

Order = get_model("order", "Order")
Line = get_model("order", "Line")

TABLES = ["mp_distributor_listing", "mp_distributor_teaminvitation", "mp_distributor_teamlink",
          "mp_distributor_bonusruleset", "mp_parties_store", "order_order", "order_line", "order_lineprice",
          "basket_basket", "basket_line", "partner_stockrecord", "mp_audit_auditevent"]


def snapshot() -> dict[str, list]:
    state = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 (fixed table names)
            state[table] = cursor.fetchall()
    return state


def test_six_distributor_stores_each_with_listings_at_different_prices(demo):
    stores = list(Store.objects.filter(distributor__isnull=False))
    assert len(stores) == 6
    assert Store.objects.filter(slug="maple-pudong", distributor__slug="maple-lifestyle", name_zh="枫叶浦东店",
                                channel=Store.Channel.OFFLINE, stock_mode=Store.StockMode.SHARED).exists()
    assert len({store.price_ending for store in stores}) >= 3, "stores round markups to different endings"
    for owner in Distributor.objects.select_related("plan"):
        cap = owner.plan.max_stores if owner.plan else None
        assert cap is None or owner.stores.count() <= cap, f"{owner.slug} keeps within its plan's store limit"
    for store in stores:
        listings = Listing.objects.filter(store=store)
        assert listings.count() >= 5, f"{store.slug} has listings"
        assert not listings.exclude(flag="").exists(), f"{store.slug}: every demo price is in band"
    rules = set(Listing.objects.values_list("rule", flat=True))
    assert rules == {PriceRule.SUGGESTED, PriceRule.FIXED, PriceRule.MARKUP}
    markups = set(Listing.objects.filter(rule=PriceRule.MARKUP).values_list("markup_percent", flat=True))
    assert len(markups) > 1 and all(Decimal("30") <= m <= Decimal("60") for m in markups)
    # the same SKU sells at different prices in different stores
    prices = {}
    for record_id, price in Listing.objects.values_list("stockrecord_id", "price"):
        prices.setdefault(record_id, set()).add(price)
    assert any(len(p) > 1 for p in prices.values())


def test_two_level_team_and_bonus_rules(demo):
    maple = Distributor.objects.get(slug="maple-lifestyle")
    assert [d.slug for d in upline_chain(distributor=maple, levels=None)] == ["harbor-goods", "sunrise-retail"]
    assert not TeamLink.objects.filter(distributor__slug="sunrise-retail").exists(), "sunrise is the root"
    assert TeamInvitation.objects.filter(used_by__isnull=False).count() == 2
    rules = BonusRuleSet.objects.get(version=1)
    assert (rules.levels, rules.basis, rules.level_1_percent, rules.level_2_percent, rules.min_monthly_sales) == (
        2, BonusBasis.MARGIN, Decimal("10"), Decimal("5"), Decimal("0"))
    first_order = Order.objects.filter(number__startswith="DEMO-").order_by("date_placed").first()
    assert rules.effective_from < first_order.date_placed


def test_demo_orders_record_store_listing_and_wholesale(demo):
    orders = Order.objects.filter(number__startswith="DEMO-10")  # this demo's; DEMO-2xxx are the shop demo's
    assert orders.count() >= 5
    assert orders.filter(user__email="shopper@demo.test").count() == orders.count()
    lines = Line.objects.filter(order__in=orders).select_related("listing", "store", "stockrecord")
    assert lines.exists()
    for line in lines:
        assert line.store_id and line.listing_id and line.supplier_id, line
        assert line.store_id == line.listing.store_id and line.store.distributor_id
        assert line.wholesale_price == line.stockrecord.wholesale_price
        assert line.unit_price_incl_tax == line.listing.price
        assert line.line_price_incl_tax > line.wholesale_price * line.quantity, "sold with a margin"
    assert len({line.store_id for line in lines}) >= 4
    assert len({line.supplier_id for line in lines}) >= 2
    today = timezone.localdate()
    days = {timezone.localtime(order.date_placed).date() for order in orders}
    assert today in days
    if today.day > 1:
        assert any(day < today for day in days), "orders earlier this month too"
    assert all((day.year, day.month) == (today.year, today.month) for day in days)
    # the harbor-goods owner's overview has sales of its own and bonus from maple-lifestyle below it
    from distributor.selectors import earnings

    harbor = earnings(distributor=Distributor.objects.get(slug="harbor-goods"))
    assert harbor.margin_pending > 0 and harbor.bonus_pending > 0


def test_loading_the_demo_twice_creates_nothing(demo):
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_distribution_is_skipped_without_the_catalogue(demo, monkeypatch):
    import distributor.demo

    called = []
    monkeypatch.setattr(distributor.demo, "load_distribution", lambda: called.append(True))
    load_demo(with_catalogue=False)
    assert not called
    load_demo()
    assert called
