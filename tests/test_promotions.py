"""Promotions: a distributor's offers reach its own stores' basket lines only, the operator's every store; spend X
save Y, gifts and coupons; who bears each discount of a placed order; the distributor portal pages and their
isolation; oscar's own dashboard offers and vouchers still work with the fork."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from distributor.models import PriceRule
from distributor.promotions import selectors, services
from distributor.promotions.services import PromotionError, PromotionInput, VoucherError
from inventory.services import stock_receive
from parties.models import Distributor, Store, Supplier, Warehouse
from storefront.addresses import shipping_address_new
from storefront.services import order_place
from supplier import services as catalogue
from supplier.catalogue_input import ProductInput, VariantInput
from tests.distribution_helpers import exact_prices, list_in, record

Basket = get_model("basket", "Basket")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
Category = get_model("catalogue", "Category")
Applicator = get_class("offer.applicator", "Applicator")
Selector = get_class("partner.strategy", "Selector")

D = Decimal
User = get_user_model()


def user(email: str = "shopper@demo.test"):
    return User.objects.get(email=email)


@pytest.fixture(autouse=True)
def no_other_site_offers(demo):
    """Offers the demo may carry stay out of these baskets (rolled back with the test)."""
    ConditionalOffer.objects.update(status=ConditionalOffer.SUSPENDED)


@pytest.fixture
def harbor(demo):
    return Distributor.objects.get(slug="harbor-goods")


@pytest.fixture
def harbor_store(demo):
    return exact_prices("harbor-online")


@pytest.fixture
def oolong(demo):
    """A second approved product (Tea > Oolong), SKU PRO-0 at 20.00 suggested."""
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    owner = user("supplier@demo.test")
    entry = catalogue.product_create(actor=owner, supplier=supplier, data=ProductInput(
        title="Promo Oolong", description="", category="Tea > Oolong", product_class="Tea", tags=[],
        variants=[VariantInput(sku="PRO-0", label="", wholesale_price=D("10.00"), suggested_retail_price=D("20.00"),
                               min_retail_price=D("12.00"), stock={"hz": 10})]))
    catalogue.product_submit(actor=owner, entry=entry)
    catalogue.product_approve(actor=user("operator@demo.test"), entry=entry)
    return entry


@pytest.fixture
def listed(tea, oolong, dealer, sunrise, online, harbor, harbor_store):
    """LST-a (20.00), LST-b (34.00) and PRO-0 (20.00) at suggested retail in Sunrise Online and Harbor Online."""
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b", "PRO-0"], PriceRule.SUGGESTED)
    list_in(user("harbor@demo.test"), harbor, [harbor_store], ["LST-a", "LST-b", "PRO-0"], PriceRule.SUGGESTED)
    return tea


def basket_of(*items, owner=None):
    """A basket whose lines remember their store: items are (store, sku, quantity)."""
    basket = Basket.objects.create(owner=owner if owner is not None else user())
    basket.strategy = Selector().strategy()
    for store, sku, quantity in items:
        basket.add_product(record(sku).product, quantity=quantity, store=store)
    return basket


def priced(basket, owner=None):
    """Apply the offers as the basket middleware does; {(store slug, sku): discount} of every line."""
    basket.reset_offer_applications()
    Applicator().apply(basket, owner if owner is not None else basket.owner, None)
    return {(line.store.slug, line.stockrecord.partner_sku): line.discount_value for line in basket.all_lines()}


def window(days_from_now: int = 0, days: int = 30):
    start = timezone.now() + timedelta(days=days_from_now)
    return {"start": start - timedelta(minutes=1), "end": start + timedelta(days=days)}


def promotion(distributor, kind, name="Promo", **fields):
    dates = window()
    dates.update({key: fields.pop(key) for key in ("start", "end") if key in fields})
    return services.promotion_create(actor=None, distributor=distributor,
                                     data=PromotionInput(kind=kind, name=name, **dates, **fields))


def coupon(distributor, code="SAVE10", **fields):
    fields.setdefault("percent", D("10"))
    return promotion(distributor, selectors.KIND_COUPON, name=f"Coupon {code}", code=code, **fields)


def place(basket, store=None, who=None):
    return order_place(basket=basket, store=store, user=who or basket.owner, shipping_address=shipping_address_new(),
                       notify=False)


# --- scope: whose lines a promotion reaches ----------------------------------------------------------------------


def test_a_distributors_promotion_discounts_its_own_stores_lines_only(listed, sunrise, online, harbor_store):
    promotion(sunrise, selectors.KIND_PERCENTAGE, percent=D("10"))
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-a", 1))
    assert priced(basket) == {("sunrise-online", "LST-a"): D("2.00"), ("harbor-online", "LST-a"): D("0.00")}
    assert basket.total_incl_tax == D("38.00")


def test_an_operator_promotion_discounts_every_store(listed, online, harbor_store):
    promotion(None, selectors.KIND_PERCENTAGE, percent=D("10"))
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-b", 1))
    assert priced(basket) == {("sunrise-online", "LST-a"): D("2.00"), ("harbor-online", "LST-b"): D("3.40")}


def test_a_percentage_on_chosen_categories_or_products_leaves_the_rest(listed, sunrise, online, oolong):
    promotion(sunrise, selectors.KIND_PERCENTAGE, name="Oolong week", percent=D("25"),
              category_ids=(Category.objects.get(name="Oolong").pk,))
    basket = basket_of((online, "LST-a", 1), (online, "PRO-0", 2))
    assert priced(basket) == {("sunrise-online", "LST-a"): D("0.00"), ("sunrise-online", "PRO-0"): D("10.00")}

    ConditionalOffer.objects.update(status=ConditionalOffer.SUSPENDED)
    promotion(sunrise, selectors.KIND_PERCENTAGE, name="Green tea day", percent=D("50"),
              product_ids=(listed.product.pk,))
    assert priced(basket) == {("sunrise-online", "LST-a"): D("10.00"), ("sunrise-online", "PRO-0"): D("0.00")}


@pytest.mark.parametrize(("threshold", "discount"), [("40.00", "5.00"), ("40.01", "0.00")])
def test_spend_x_save_y_triggers_exactly_at_the_threshold(listed, sunrise, online, harbor_store, threshold,
                                                          discount):
    promotion(sunrise, selectors.KIND_SPEND, threshold=D(threshold), amount=D("5.00"))
    basket = basket_of((online, "LST-a", 2), (harbor_store, "LST-b", 1))  # 40.00 in Sunrise, 34.00 in Harbor
    assert priced(basket)[("sunrise-online", "LST-a")] == D(discount)
    assert priced(basket)[("harbor-online", "LST-b")] == D("0.00")


def test_another_distributors_items_do_not_count_towards_the_spend(listed, sunrise, online, harbor_store):
    promotion(sunrise, selectors.KIND_SPEND, threshold=D("40.00"), amount=D("5.00"))
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-a", 5))
    assert sum(priced(basket).values()) == D("0.00")


def test_spend_x_get_the_gift_free(listed, sunrise, online, harbor_store):
    gift = record("LST-b").product
    promotion(sunrise, selectors.KIND_GIFT, threshold=D("20.00"), gift_product_id=gift.pk)
    assert priced(basket_of((online, "LST-a", 1), (online, "LST-b", 1))) == {
        ("sunrise-online", "LST-a"): D("0.00"), ("sunrise-online", "LST-b"): D("34.00")}
    # the gift alone does not reach the spend, nor do another distributor's items
    assert sum(priced(basket_of((online, "LST-b", 2))).values()) == D("0.00")
    assert sum(priced(basket_of((harbor_store, "LST-a", 1), (online, "LST-b", 1))).values()) == D("0.00")
    # one gift per order
    assert priced(basket_of((online, "LST-a", 3), (online, "LST-b", 2)))[("sunrise-online", "LST-b")] == D("34.00")


# --- coupons on the basket ---------------------------------------------------------------------------------------


def test_a_valid_coupon_is_normalised_added_and_discounts_its_distributors_lines(listed, sunrise, online,
                                                                                 harbor_store):
    coupon(sunrise, code="SAVE10")
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-a", 1))
    assert priced(basket) == {("sunrise-online", "LST-a"): D("0.00"), ("harbor-online", "LST-a"): D("0.00")}
    voucher = services.basket_voucher_add(basket=basket, code="  save 10 ", user=basket.owner)
    assert voucher.code == "SAVE10" and list(basket.vouchers.all()) == [voucher]
    assert priced(basket) == {("sunrise-online", "LST-a"): D("2.00"), ("harbor-online", "LST-a"): D("0.00")}
    with pytest.raises(VoucherError, match="SAVE10 is already in your basket"):
        services.basket_voucher_add(basket=basket, code="save10", user=basket.owner)

    services.basket_voucher_remove(basket=basket, code="save10")
    assert not basket.vouchers.exists() and sum(priced(basket).values()) == D("0.00")
    with pytest.raises(VoucherError, match="SAVE10 is not in your basket"):
        services.basket_voucher_remove(basket=basket, code="SAVE10")


@pytest.mark.parametrize(("dates", "message"), [
    ({"start": timezone.now() - timedelta(days=30), "end": timezone.now() - timedelta(days=1)}, "expired on"),
    ({"start": timezone.now() + timedelta(days=2), "end": timezone.now() + timedelta(days=9)}, "can only be used from"),
])
def test_an_expired_or_not_yet_started_coupon_is_refused(listed, sunrise, online, dates, message):
    offer = coupon(sunrise, code="WHEN10")
    Voucher.objects.filter(offers=offer).update(start_datetime=dates["start"], end_datetime=dates["end"])
    basket = basket_of((online, "LST-a", 1))
    with pytest.raises(VoucherError, match=f"Voucher WHEN10 {message}"):
        services.basket_voucher_add(basket=basket, code="when10", user=basket.owner)
    assert not basket.vouchers.exists()


def test_unknown_codes_and_baskets_without_the_sellers_items_are_refused(listed, sunrise, online, harbor_store):
    coupon(sunrise, code="SUN10")
    basket = basket_of((harbor_store, "LST-a", 1))
    with pytest.raises(VoucherError, match="There is no voucher with the code NOPE"):
        services.basket_voucher_add(basket=basket, code="nope", user=basket.owner)
    with pytest.raises(VoucherError, match="SUN10 is for items from Sunrise Retail's stores, and your basket has "
                                           "none"):
        services.basket_voucher_add(basket=basket, code="SUN10", user=basket.owner)
    with pytest.raises(VoucherError, match="Enter a voucher code"):
        services.basket_voucher_add(basket=basket, code="  ", user=basket.owner)
    assert not basket.vouchers.exists()


def test_a_single_use_coupon_is_exhausted_after_one_order(listed, sunrise, online):
    coupon(sunrise, code="ONCE", usage=services.USAGE_SINGLE)
    first = basket_of((online, "LST-a", 1))
    services.basket_voucher_add(basket=first, code="ONCE", user=first.owner)
    order = place(first)
    assert order.total_incl_tax - order.shipping_incl_tax == D("18.00")
    other = basket_of((online, "LST-a", 1), owner=user("storeadmin@demo.test"))
    with pytest.raises(VoucherError, match="ONCE has already been used"):
        services.basket_voucher_add(basket=other, code="ONCE", user=other.owner)


def test_a_coupon_with_max_uses_is_used_up(listed, sunrise, online):
    coupon(sunrise, code="TWICE", max_uses=1)
    first = basket_of((online, "LST-a", 1))
    services.basket_voucher_add(basket=first, code="TWICE", user=first.owner)
    place(first)
    other = basket_of((online, "LST-a", 1), owner=user("storeadmin@demo.test"))
    with pytest.raises(VoucherError, match="TWICE has been used up"):
        services.basket_voucher_add(basket=other, code="TWICE", user=other.owner)


def test_a_once_per_customer_coupon_is_refused_to_the_same_customer_only(listed, sunrise, online):
    coupon(sunrise, code="HELLO", usage=services.USAGE_ONCE_PER_CUSTOMER)
    first = basket_of((online, "LST-a", 1))
    services.basket_voucher_add(basket=first, code="HELLO", user=first.owner)
    place(first)
    again = basket_of((online, "LST-a", 1))
    with pytest.raises(VoucherError, match="You have already used voucher HELLO"):
        services.basket_voucher_add(basket=again, code="HELLO", user=again.owner)
    someone_else = basket_of((online, "LST-a", 1), owner=user("storeadmin@demo.test"))
    assert services.basket_voucher_add(basket=someone_else, code="HELLO", user=someone_else.owner).code == "HELLO"


def test_a_paused_coupon_is_refused_and_stops_discounting_baskets_that_hold_it(listed, sunrise, online):
    offer = coupon(sunrise, code="PAUSE")
    basket = basket_of((online, "LST-a", 1))
    services.basket_voucher_add(basket=basket, code="PAUSE", user=basket.owner)
    assert priced(basket)[("sunrise-online", "LST-a")] == D("2.00")
    services.promotion_set_paused(actor=None, offer=offer, paused=True)
    assert priced(basket)[("sunrise-online", "LST-a")] == D("0.00")
    other = basket_of((online, "LST-a", 1))
    with pytest.raises(VoucherError, match="PAUSE is paused"):
        services.basket_voucher_add(basket=other, code="PAUSE", user=other.owner)


# --- placed orders: which offer applied, who bears the cost ------------------------------------------------------


def test_an_order_keeps_its_discounts_and_the_distributor_bears_its_promotion(signed_in, listed, sunrise, online):
    offer = promotion(sunrise, selectors.KIND_PERCENTAGE, name="Ten off", percent=D("10"))
    order = place(basket_of((online, "LST-a", 2), (online, "LST-b", 1)))
    assert [(d.offer_id, d.amount) for d in order.discounts.all()] == [(offer.pk, D("7.40"))]
    assert sorted((line.partner_sku, line.line_price_incl_tax) for line in order.lines.all()) == [
        ("LST-a", D("36.00")), ("LST-b", D("30.60"))]
    assert selectors.discount_costs(order=order) == {sunrise.pk: D("7.40")}
    offer.refresh_from_db()
    assert (offer.num_orders, offer.total_discount) == (1, D("7.40"))
    page = signed_in("distributor@demo.test").get(reverse("distributor:promotion-list")).content.decode()
    row = page[page.index(f'data-promotion="{offer.pk}"'):]
    row = row[:row.index("</li>")]
    assert "<span>Orders</span>1</div>" in row and "<span>Discount given</span>CN¥7.40</div>" in row


def test_a_basket_already_priced_by_the_middleware_still_records_its_discounts(listed, sunrise, online):
    offer = promotion(sunrise, selectors.KIND_PERCENTAGE, percent=D("10"))
    basket = basket_of((online, "LST-a", 1))
    priced(basket)
    order = place(basket)
    assert [(d.offer_id, d.amount) for d in order.discounts.all()] == [(offer.pk, D("2.00"))]
    assert selectors.discount_costs(order=order) == {sunrise.pk: D("2.00")}


def test_a_multi_store_order_splits_the_cost_between_distributor_and_platform(listed, sunrise, online,
                                                                              harbor_store):
    coupon(sunrise, code="SUN10")
    promotion(None, selectors.KIND_PERCENTAGE, name="Marketplace 5%", percent=D("5"))
    # Harbor keeps its own stock (independent mode): it sells only what its stock room holds
    stockroom = Warehouse.objects.get(store=harbor_store)
    stock_receive(location=stockroom, items=[(record("LST-a").pk, 5)], actor=None, reason="delivery")
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-a", 1))
    services.basket_voucher_add(basket=basket, code="SUN10", user=basket.owner)
    order = place(basket)
    # the coupon (a basket offer, applied first) takes Sunrise's line; the operator's 5% the Harbor line
    assert selectors.discount_costs(order=order) == {sunrise.pk: D("2.00"), selectors.PLATFORM: D("1.00")}


# --- rules of creation, pause, end ---------------------------------------------------------------------------


def test_bad_promotions_are_refused_with_every_problem_and_nothing_is_written(listed, sunrise, harbor):
    before = ConditionalOffer.objects.count()
    now = timezone.now()
    with pytest.raises(PromotionError) as refused:
        services.promotion_create(actor=None, distributor=sunrise, data=PromotionInput(
            kind=selectors.KIND_SPEND, name="", start=now, end=now - timedelta(hours=1), threshold=D("0"),
            amount=D("5.001")))
    assert refused.value.problems == {
        "name": "Give the promotion a name shoppers will see.", "end": "The end must be after the start.",
        "threshold": "The amount to spend must be more than zero.",
        "amount": "The amount off must be in yuan with at most 2 decimals."}
    for percent in (D("0"), D("100.5")):
        with pytest.raises(PromotionError, match="between 1 and 100"):
            promotion(sunrise, selectors.KIND_PERCENTAGE, percent=percent)
    coupon(sunrise, code="TAKEN")
    with pytest.raises(PromotionError, match="The code TAKEN is already taken"):
        coupon(harbor, code="taken")
    with pytest.raises(PromotionError, match="Choose a gift listed in your stores"):
        promotion(sunrise, selectors.KIND_GIFT, threshold=D("10"), gift_product_id=999999)
    assert ConditionalOffer.objects.count() == before + 1


def test_pausing_resuming_and_ending_show_in_the_status(listed, sunrise):
    offer = promotion(sunrise, selectors.KIND_SPEND, threshold=D("50"), amount=D("5"))
    assert selectors.promotion_status(offer) == selectors.STATUS_ACTIVE
    services.promotion_set_paused(actor=None, offer=offer, paused=True)
    assert selectors.promotion_status(offer) == selectors.STATUS_PAUSED
    services.promotion_set_paused(actor=None, offer=offer, paused=False)
    services.promotion_end(actor=None, offer=offer)
    assert selectors.promotion_status(offer) == selectors.STATUS_ENDED
    assert not ConditionalOffer.active.filter(pk=offer.pk).exists()
    with pytest.raises(PromotionError, match="has ended"):
        services.promotion_set_paused(actor=None, offer=offer, paused=True)
    later = promotion(sunrise, selectors.KIND_SPEND, name="Later", threshold=D("50"), amount=D("5"),
                      **window(days_from_now=3))
    assert selectors.promotion_status(later) == selectors.STATUS_UPCOMING


# --- the distributor portal ------------------------------------------------------------------------------------


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def dates(days_from_now=0, days=30) -> dict:
    span = window(days_from_now, days)
    return {"start": local(span["start"]), "end": local(span["end"])}


@pytest.fixture
def dealer_client(signed_in, listed):
    return signed_in("distributor@demo.test")


def test_the_portal_creates_each_kind_and_lists_them(dealer_client, sunrise):
    demo_offers = list(ConditionalOffer.objects.filter(distributor=sunrise).values_list("pk", flat=True))
    category = Category.objects.get(name="Oolong")
    gift = record("LST-b").product
    posts = {
        "percentage": {"name": "Autumn tea", "percent": "15", "categories": [category.pk], **dates()},
        "spend": {"name": "Spend 100 save 10", "threshold": "100", "amount": "10", **dates()},
        "gift": {"name": "Free tin", "threshold": "80", "gift": gift.pk, **dates()},
        "coupon": {"name": "Welcome", "code": "welcome-5", "coupon_discount": "amount", "amount": "5",
                   "threshold": "30", "usage": "once_per_customer", "max_uses": "100", **dates(days_from_now=2)},
    }
    for kind, data in posts.items():
        response = dealer_client.post(reverse(f"distributor:promotion-new-{kind}"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        detail = dealer_client.get(response["Location"]).content.decode()
        assert f"{data['name']} (Sunrise Retail)" in detail
    page = dealer_client.get(reverse("distributor:promotion-list")).content.decode()
    for text in ("15% off chosen items", "Spend CN¥100.00, CN¥10.00 off",
                 "Spend CN¥80.00, get Listing tea · 100 g free", "WELCOME-5", "Upcoming", "Active"):
        assert text in page
    offers = ConditionalOffer.objects.filter(distributor=sunrise).exclude(pk__in=demo_offers)
    assert offers.count() == 4 and all(offer.condition.range.distributor_id == sunrise.pk for offer in offers)
    welcome = Voucher.objects.get(code="WELCOME-5")
    assert welcome.usage == Voucher.ONCE_PER_CUSTOMER and welcome.offers.get().max_global_applications == 100


def test_the_portal_says_what_is_wrong_and_creates_nothing(dealer_client, harbor_store):
    before = ConditionalOffer.objects.filter(distributor__slug="sunrise-retail").count()  # the demo's coupon
    start = timezone.now() + timedelta(days=5)
    response = dealer_client.post(reverse("distributor:promotion-new-percentage"), {
        "name": "Broken", "percent": "120", "start": local(start), "end": local(start - timedelta(days=1))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The percentage must be between 1 and 100." in page and "The end must be after the start." in page
    response = dealer_client.post(reverse("distributor:promotion-new-spend"), {
        "name": "Zero", "threshold": "0", "amount": "-1", **dates()})
    assert "The amount to spend must be more than zero." in response.content.decode()
    assert ConditionalOffer.objects.filter(distributor__slug="sunrise-retail").count() == before


def test_pause_resume_and_end_from_the_portal(dealer_client, sunrise):
    offer = promotion(sunrise, selectors.KIND_SPEND, name="Portal promo", threshold=D("50"), amount=D("5"))
    list_url = reverse("distributor:promotion-list")
    dealer_client.post(reverse("distributor:promotion-pause", args=[offer.pk]), {"paused": "on", "next": list_url})
    assert f'data-promotion="{offer.pk}" data-status="paused"' in dealer_client.get(list_url).content.decode()
    dealer_client.post(reverse("distributor:promotion-pause", args=[offer.pk]), {"paused": "off"})
    assert "Active" in dealer_client.get(reverse("distributor:promotion-detail", args=[offer.pk])).content.decode()
    response = dealer_client.post(reverse("distributor:promotion-end", args=[offer.pk]), {}, follow=True)
    assert "has ended" in response.content.decode()
    assert 'data-status="ended"' in dealer_client.get(list_url + "?status=ended").content.decode()


def test_another_distributor_cannot_see_or_touch_the_promotion(signed_in, listed, sunrise):
    offer = coupon(sunrise, code="MINE")
    harbor = signed_in("harbor@demo.test")
    assert "MINE" not in harbor.get(reverse("distributor:promotion-list")).content.decode()
    assert harbor.get(reverse("distributor:promotion-detail", args=[offer.pk])).status_code == 404
    assert harbor.post(reverse("distributor:promotion-pause", args=[offer.pk]), {"paused": "on"}).status_code == 404
    assert harbor.post(reverse("distributor:promotion-end", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert selectors.promotion_status(offer) == selectors.STATUS_ACTIVE
    # nor pick another distributor's goods: a SKU listed only in Harbor's store is not a choice for Sunrise
    Store.objects.filter(slug="sunrise-online").get().listings.filter(stockrecord=record("PRO-0")).delete()
    response = signed_in("distributor@demo.test").post(reverse("distributor:promotion-new-gift"), {
        "name": "Foreign gift", "threshold": "10", "gift": record("PRO-0").product.pk, **dates()})
    assert "Choose a gift listed in your stores." in response.content.decode()


def test_the_operators_dashboard_offers_and_vouchers_still_work(signed_in, listed, sunrise):
    offer = coupon(sunrise, code="DASH")
    operator = signed_in("operator@demo.test")
    for url in (reverse("dashboard:offer-list"), reverse("dashboard:voucher-list"), reverse("dashboard:range-list"),
                reverse("dashboard:offer-detail", kwargs={"pk": offer.pk})):
        response = operator.get(url)
        assert response.status_code == 200, url
    assert "DASH" in operator.get(reverse("dashboard:voucher-list")).content.decode()


def test_the_demo_promotions_load_once_and_sunrise10_works(listed, sunrise, online, harbor_store):
    from distributor.promotions.demo import load_promotions

    load_promotions()
    load_promotions()
    demo = ConditionalOffer.objects.filter(name__in=["Marketplace week: spend ¥300, save ¥20",
                                                     "Sunrise 10% coupon (Sunrise Retail)",
                                                     "Spend ¥200, save ¥25 (Harbor Goods)"])
    owners = sorted(demo.values_list("distributor__slug", flat=True), key=str)
    assert owners == [None, "harbor-goods", "sunrise-retail"]
    ConditionalOffer.objects.update(status=ConditionalOffer.SUSPENDED)
    ConditionalOffer.objects.filter(vouchers__code="SUNRISE10").update(status=ConditionalOffer.OPEN)
    # Harbor keeps its own stock (independent mode): it sells only what its stock room holds
    stockroom = Warehouse.objects.get(store=harbor_store)
    stock_receive(location=stockroom, items=[(record("LST-a").pk, 5)], actor=None, reason="delivery")
    basket = basket_of((online, "LST-a", 1), (harbor_store, "LST-a", 1))
    services.basket_voucher_add(basket=basket, code="sunrise10", user=basket.owner)
    assert priced(basket) == {("sunrise-online", "LST-a"): D("2.00"), ("harbor-online", "LST-a"): D("0.00")}
