"""Listings: price rules and bands, repricing when suppliers or the operator change prices, oscar's strategy
pricing one product differently per store, and order lines that remember store, listing and wholesale price."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from distributor import pricing, services
from distributor.models import Listing, ListingFlag, PriceRule
from distributor.selectors import price_policy, sellable_listings
from parties.models import PartyStatus, Store
from parties.services import party_set_status
from supplier import services as catalogue
from supplier.models import ReviewState, SupplierProduct
from tests.distribution_helpers import list_in, record, tea_input

StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

D = Decimal


# --- pure price arithmetic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount, ending, expected", [
    ("12.31", "exact", "12.31"), ("12.31", "0.00", "13.00"), ("12.00", "0.00", "12.00"),
    ("12.31", "0.99", "12.99"), ("12.99", "0.99", "12.99"), ("13.00", "0.99", "13.99"),
    ("12.91", "0.90", "13.90"), ("12.90", "0.90", "12.90"),
])
def test_price_endings_round_up_to_the_next_price_with_that_ending(amount, ending, expected):
    assert pricing.round_to_ending(D(amount), ending) == D(expected)


def test_markup_is_over_wholesale_and_rounded_to_the_store_ending():
    price = pricing.rule_price(rule=PriceRule.MARKUP, wholesale=D("10.00"), suggested=D("20.00"),
                               fixed_price=None, markup_percent=D("45"), ending="0.99")
    assert price == D("14.99")


def test_a_markup_landing_between_cents_is_refused_in_an_exact_store_and_rounded_up_when_repricing():
    figures = dict(rule=PriceRule.MARKUP, wholesale=D("10.01"), suggested=None, fixed_price=None,
                   markup_percent=D("12.5"), ending="exact")
    with pytest.raises(pricing.PriceProblem, match="more decimals than the currency"):
        pricing.rule_price(**figures)
    assert pricing.rule_price(**figures, strict=False) == D("11.27")  # 11.26125 rounded up, never below cost


def test_the_band_runs_from_the_supplier_floor_to_the_operator_ceiling():
    band = pricing.price_band(wholesale=D("10"), floor=D("12.00"), suggested=D("20.00"),
                              max_over_suggested_percent=D("50"))
    assert (band.floor, band.ceiling) == (D("12.00"), D("30.00"))
    assert [band.flag_for(D(p)) for p in ("11.99", "12.00", "30.00", "30.01")] == [
        ListingFlag.BELOW_FLOOR, ListingFlag.NONE, ListingFlag.NONE, ListingFlag.ABOVE_CEILING]


# --- listing through the service ---------------------------------------------------------------------------------


def test_a_product_is_listed_in_two_stores_at_two_prices(tea, dealer, sunrise, online, shop):
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.80"))
    prices = {(listing.store.slug, listing.stockrecord.partner_sku): listing.price
              for listing in Listing.objects.filter(entry=tea).select_related("store", "stockrecord")}
    assert prices == {("sunrise-online", "LST-a"): D("20.00"), ("sunrise-online", "LST-b"): D("34.00"),
                      ("sunrise-nanjing-road", "LST-a"): D("16.80")}


def test_listing_again_changes_the_rule_of_the_existing_listing(tea, dealer, sunrise, online):
    [first] = list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.SUGGESTED)
    [again] = list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.MARKUP, markup_percent=D("50"))
    assert again.pk == first.pk and Listing.objects.filter(entry=tea).count() == 1
    assert Listing.objects.get(pk=first.pk).price == D("15.00")


@pytest.mark.parametrize("rule, figures, message", [
    (PriceRule.FIXED, {"fixed_price": D("11.99")}, "LST-a: 11.99 is below the supplier's floor of 12.00."),
    (PriceRule.FIXED, {"fixed_price": D("40.01")}, "LST-a: 40.01 is above the marketplace ceiling of 40.00."),
    (PriceRule.MARKUP, {"markup_percent": D("12.345")}, "more decimals than the currency"),
    (PriceRule.FIXED, {"fixed_price": D("15.555")}, "at most two decimals"),
    (PriceRule.FIXED, {"fixed_price": D("0")}, "more than zero"),
    (PriceRule.MARKUP, {"markup_percent": D("-5")}, "cannot be negative"),
])
def test_a_price_outside_the_rules_is_refused_and_nothing_is_written(tea, dealer, sunrise, online, rule, figures,
                                                                     message):
    list_in(dealer, sunrise, [online], ["LST-b"], PriceRule.SUGGESTED)
    before = list(Listing.objects.values_list("pk", "price", "rule"))
    with pytest.raises(services.ListingError) as refused:
        list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], rule, **figures)
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert list(Listing.objects.values_list("pk", "price", "rule")) == before


def test_every_problem_of_a_bulk_listing_is_named_at_once(tea, dealer, sunrise, online, shop):
    with pytest.raises(services.ListingError) as refused:
        list_in(dealer, sunrise, [online, shop], ["LST-a", "LST-b"], PriceRule.FIXED, fixed_price=D("12.50"))
    assert refused.value.problems == [
        "Sunrise Online, LST-b: 12.50 is below the supplier's floor of 22.00.",
        "Sunrise Nanjing Road Shop, LST-b: 12.50 is below the supplier's floor of 22.00."]
    assert not Listing.objects.filter(entry=tea).exists()


def test_a_product_not_in_the_market_cannot_be_listed(tea, dealer, sunrise, online):
    owner = get_user_model().objects.get(email="supplier@demo.test")
    catalogue.product_set_shelf(actor=owner, entry=tea, on_shelf=False)
    with pytest.raises(services.ListingError, match="Only products in the distribution market can be listed"):
        list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.SUGGESTED)
    assert not Listing.objects.exists() or not Listing.objects.filter(entry=tea).exists()


def test_a_draft_product_cannot_be_listed(demo, dealer, sunrise, online):
    draft = SupplierProduct.objects.filter(state=ReviewState.DRAFT).first()
    sku = StockRecord.objects.filter(product__parent=draft.product).first() or StockRecord.objects.get(
        product=draft.product)
    with pytest.raises(services.ListingError, match="not approved"):
        services.listings_save(actor=dealer, distributor=sunrise, store_ids=[online.pk], record_ids=[sku.pk],
                               rule=PriceRule.SUGGESTED)


def test_a_distributor_cannot_list_into_another_distributors_store(tea, dealer, sunrise):
    harbor = Store.objects.get(slug="harbor-online")
    with pytest.raises(services.ListingError, match="not yours"):
        list_in(dealer, sunrise, [harbor], ["LST-a"], PriceRule.SUGGESTED)
    assert not Listing.objects.filter(store=harbor, entry=tea).exists()


def test_pause_and_remove(tea, dealer, sunrise, online):
    listings = list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    assert services.listings_set_paused(actor=dealer, listings=listings, paused=True) == 2
    assert services.listings_set_paused(actor=dealer, listings=listings, paused=True) == 0
    assert not sellable_listings(store=online).filter(entry=tea).exists()
    services.listings_set_paused(actor=dealer, listings=listings[:1], paused=False)
    assert sellable_listings(store=online).filter(entry=tea).count() == 1
    assert services.listings_remove(actor=dealer, listings=listings) == 2
    assert not Listing.objects.filter(entry=tea).exists()


# --- repricing ---------------------------------------------------------------------------------------------------


def _supplier_edit(tea, **changes):
    owner = get_user_model().objects.get(email="supplier@demo.test")
    return catalogue.product_update(actor=owner, entry=tea, data=tea_input(**changes))


def test_a_wholesale_change_moves_markup_and_suggested_listings_and_leaves_fixed_ones(
        tea, dealer, sunrise, online, shop):
    list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.MARKUP, markup_percent=D("50"))  # 15.00
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.00"))
    list_in(dealer, sunrise, [online], ["LST-b"], PriceRule.SUGGESTED)
    entry = _supplier_edit(tea, a={"wholesale_price": D("11.00")}, b={"suggested_retail_price": D("36.00")})
    assert entry.state == ReviewState.APPROVED, "a wholesale or suggested price change needs no new review"
    prices = dict(Listing.objects.filter(entry=tea).values_list("store__slug", "stockrecord__partner_sku")
                  .values_list("pk", "price"))
    by_key = {(listing.store.slug, listing.stockrecord.partner_sku): listing.price
              for listing in Listing.objects.filter(entry=tea).select_related("store", "stockrecord")}
    assert by_key == {("sunrise-online", "LST-a"): D("16.50"), ("sunrise-nanjing-road", "LST-a"): D("16.00"),
                      ("sunrise-online", "LST-b"): D("36.00")}
    assert len(prices) == 3 and not Listing.objects.exclude(flag="").exists()


def test_a_raised_floor_flags_listings_below_it_hides_them_and_tells_the_distributor(
        tea, dealer, sunrise, online, shop, django_capture_on_commit_callbacks):
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("13.00"))
    list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.SUGGESTED)
    with django_capture_on_commit_callbacks(execute=True):
        _supplier_edit(tea, a={"min_retail_price": D("14.00")})
    flagged = Listing.objects.get(store=shop, entry=tea)
    assert flagged.flag == ListingFlag.BELOW_FLOOR and flagged.price == D("13.00")
    assert abs(timezone.now() - flagged.flagged_at) < timedelta(minutes=1)
    assert Listing.objects.get(store=online, entry=tea).flag == ""
    assert not sellable_listings(store=shop).filter(pk=flagged.pk).exists()
    [message] = mail.outbox
    assert message.to == ["distributor@demo.test"]
    assert "1 of your listings need a new price" in message.subject
    assert "LST-a" in message.body and "Listing tea" in message.body and "?state=flagged" in message.body

    assert SupplierProduct.objects.get(pk=tea.pk).state == ReviewState.SUBMITTED  # a new floor is reviewed
    operator = get_user_model().objects.get(email="operator@demo.test")
    catalogue.product_approve(actor=operator, entry=SupplierProduct.objects.get(pk=tea.pk))
    assert not sellable_listings(store=shop).filter(pk=flagged.pk).exists(), "approval alone does not unflag"
    services.listings_save(actor=dealer, distributor=sunrise, store_ids=[shop.pk], record_ids=[record("LST-a").pk],
                           rule=PriceRule.FIXED, fixed_price=D("14.50"))
    assert Listing.objects.get(pk=flagged.pk).flag == "", "a new price inside the band clears the flag"


def test_lowering_the_ceiling_flags_listings_above_it_and_raising_it_clears_them(tea, dealer, sunrise, online):
    operator = get_user_model().objects.get(email="operator@demo.test")
    list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.FIXED, fixed_price=D("29.00"))
    result = services.price_policy_update(actor=operator, max_over_suggested_percent=D("40"))  # ceiling 28.00
    assert result.newly_flagged >= 1
    assert Listing.objects.get(entry=tea).flag == ListingFlag.ABOVE_CEILING
    services.price_policy_update(actor=operator, max_over_suggested_percent=D("100"))
    assert Listing.objects.get(entry=tea).flag == ""
    assert price_policy().max_over_suggested_percent == D("100")


def test_repricing_writes_nothing_when_nothing_changed(tea, dealer, sunrise, online):
    list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.SUGGESTED)
    result = services.listings_reprice(record_ids=[record("LST-a").pk])
    assert (result.examined, result.repriced, result.newly_flagged) == (1, 0, 0)


# --- oscar's strategy and the order line -------------------------------------------------------------------------


def test_oscar_strategy_prices_the_same_product_differently_in_each_store(tea, dealer, sunrise, online, shop):
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], PriceRule.SUGGESTED)
    list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.80"))
    variant_a = record("LST-a").product
    variant_b = record("LST-b").product
    in_online = Selector().strategy(store=online)
    in_shop = Selector().strategy(store=shop)
    assert in_online.fetch_for_product(variant_a).price.incl_tax == D("20.00")
    assert in_shop.fetch_for_product(variant_a).price.incl_tax == D("16.80")
    assert in_online.fetch_for_product(variant_a).availability.is_available_to_buy
    assert not in_shop.fetch_for_product(variant_b).availability.is_available_to_buy  # not listed there
    assert in_online.fetch_for_parent(tea.product).price.incl_tax == D("20.00")  # "from" the cheapest variant
    elsewhere = Selector().strategy(store=Store.objects.get(slug="maple-online"))
    assert not elsewhere.fetch_for_product(variant_a).availability.is_available_to_buy


def test_without_a_store_nothing_can_be_bought(tea):
    info = Selector().strategy().fetch_for_product(record("LST-a").product)
    assert not info.availability.is_available_to_buy and info.price.incl_tax == D("20.00")  # suggested, for show


def test_off_shelf_paused_or_suspended_supplier_hides_the_listing_at_once(tea, dealer, sunrise, online):
    list_in(dealer, sunrise, [online], ["LST-a"], PriceRule.SUGGESTED)
    variant = record("LST-a").product

    def buyable() -> bool:
        return Selector().strategy(store=online).fetch_for_product(variant).availability.is_available_to_buy

    assert buyable()
    owner = get_user_model().objects.get(email="supplier@demo.test")
    catalogue.product_set_shelf(actor=owner, entry=tea, on_shelf=False)
    assert not buyable()
    catalogue.product_set_shelf(actor=owner, entry=SupplierProduct.objects.get(pk=tea.pk), on_shelf=True)
    assert buyable()
    operator = get_user_model().objects.get(email="operator@demo.test")
    party_set_status(actor=operator, party=tea.supplier, status=PartyStatus.SUSPENDED, reason="audit")
    assert not buyable()


def test_the_order_line_remembers_store_listing_supplier_and_wholesale_price(tea, dealer, sunrise, shop):
    [listing] = list_in(dealer, sunrise, [shop], ["LST-a"], PriceRule.FIXED, fixed_price=D("16.80"))
    shopper = get_user_model().objects.get(email="shopper@demo.test")
    basket = Basket.objects.create(owner=shopper)
    basket.strategy = Selector().strategy(store=shop)
    basket.add_product(record("LST-a").product, quantity=2)
    shipping = Free()
    total = OrderTotalCalculator().calculate(basket, shipping.calculate(basket))
    order = OrderCreator().place_order(basket=basket, total=total, shipping_method=shipping,
                                       shipping_charge=shipping.calculate(basket), user=shopper,
                                       order_number="LST-100001")
    _supplier_edit(tea, a={"wholesale_price": D("11.50")})  # later changes never rewrite the sale
    [line] = order.lines.all()
    assert (line.store, line.listing, line.supplier, line.wholesale_price) == (
        shop, listing, tea.supplier, D("10.00"))
    assert (line.unit_price_incl_tax, line.line_price_incl_tax) == (D("16.80"), D("33.60"))
