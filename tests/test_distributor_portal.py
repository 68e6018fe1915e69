"""The distributor portal: the market with its filters, listing from a product page into stores, the listings
page (filters, edit, pause/resume, remove, one or ticked), a whole category at one markup, the overview, and the
team (invitations, joining, and the joins that are refused)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from distributor.models import Listing, ListingFlag, PriceRule, TeamInvitation, TeamLink
from parties.models import Distributor, Store, Supplier
from supplier import services as catalogue
from supplier.catalogue_input import ProductInput, VariantInput
from supplier.models import SupplierProduct

StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

D = Decimal
User = get_user_model()


def make_product(title: str, prefix: str, variants: list[tuple[str, str, str, int]], *, approve=True,
                 category="Tea > Green tea") -> SupplierProduct:
    """An approved product of green-leaf-tea; variants are (wholesale, suggested, floor, stock)."""
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    owner = User.objects.get(email="supplier@demo.test")
    rows = [VariantInput(sku=f"{prefix}-{i}", label=f"{50 * (i + 1)} g", wholesale_price=D(w),
                         suggested_retail_price=D(s), min_retail_price=D(f), stock={"hz": stock})
            for i, (w, s, f, stock) in enumerate(variants)]
    entry = catalogue.product_create(actor=owner, supplier=supplier, data=ProductInput(
        title=title, description="", category=category, product_class="Tea", tags=[], variants=rows))
    if approve:
        catalogue.product_submit(actor=owner, entry=entry)
        catalogue.product_approve(actor=User.objects.get(email="operator@demo.test"), entry=entry)
    return SupplierProduct.objects.get(pk=entry.pk)


@pytest.fixture
def tea(demo):
    """Two SKUs: PT-0 wholesale 10 / suggested 20 / floor 12; PT-1 18 / 34 / 22 (ceiling: 2× suggested)."""
    return make_product("Portal Test Tea", "PT", [("10.00", "20.00", "12.00", 5), ("18.00", "34.00", "22.00", 2)])


@pytest.fixture
def stores(demo):
    online, shop = Store.objects.get(slug="sunrise-online"), Store.objects.get(slug="sunrise-nanjing-road")
    Store.objects.filter(pk__in=[online.pk, shop.pk]).update(price_ending="exact")
    return online, shop


@pytest.fixture
def dealer(signed_in):
    return signed_in("distributor@demo.test")


def record(sku: str):
    return StockRecord.objects.get(partner_sku=sku)


def detail_url(entry) -> str:
    return reverse("distributor:market-detail", kwargs={"pk": entry.pk})


def list_from_detail(client, entry, stores, skus, rule, **figures):
    data = {"records": [record(sku).pk for sku in skus], "stores": [s.pk for s in stores], "rule": rule}
    data.update({key: str(value) for key, value in figures.items()})
    return client.post(detail_url(entry), data)


def listing_rows(html: str) -> dict[tuple[str, str], str]:
    """{(store slug, SKU): the row's text} of the listings page."""
    rows = {}
    for match in re.finditer(r'<li class="listing-row[^"]*" data-listing="\d+" data-store="([^"]+)" '
                             r'data-sku="([^"]+)">(.*?)</li>', html, re.S):
        rows[(match.group(1), match.group(2))] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(3)))
    return rows


def own_listing(store, sku, price="20.00", **fields) -> Listing:
    rec = record(sku)
    return Listing.objects.create(store=store, stockrecord=rec, entry_id=market_entry_id(rec),
                                  price=D(price), **fields)


def market_entry_id(rec) -> int:
    product = rec.product.parent or rec.product
    return product.supplier_entry.pk


# --- listing from the market ---------------------------------------------------------------------------------


def test_listing_from_the_product_page_into_two_stores_at_two_prices(tea, stores, dealer):
    online, shop = stores
    page = dealer.get(detail_url(tea)).content.decode()
    assert "List in my stores" in page and "Not listed in any of your stores yet." in page
    for sku in ("PT-0", "PT-1"):  # every SKU is ticked by default
        assert re.search(rf'name="records" value="{record(sku).pk}"[^>]*checked', page)

    response = list_from_detail(dealer, tea, [online], ["PT-0", "PT-1"], PriceRule.SUGGESTED)
    assert response.status_code == 302
    response = list_from_detail(dealer, tea, [shop], ["PT-0"], PriceRule.FIXED, fixed_price="18.50")
    assert response.status_code == 302

    prices = {(li.store.slug, li.stockrecord.partner_sku): li.price
              for li in Listing.objects.filter(entry=tea).select_related("store", "stockrecord")}
    assert prices == {("sunrise-online", "PT-0"): D("20.00"), ("sunrise-online", "PT-1"): D("34.00"),
                      ("sunrise-nanjing-road", "PT-0"): D("18.50")}

    rows = listing_rows(dealer.get(reverse("distributor:listing-list"), {"q": "Portal Test"}).content.decode())
    assert set(rows) == {("sunrise-online", "PT-0"), ("sunrise-online", "PT-1"), ("sunrise-nanjing-road", "PT-0")}
    assert "20.00" in rows[("sunrise-online", "PT-0")] and "Suggested retail price" in rows[("sunrise-online", "PT-0")]
    assert "18.50" in rows[("sunrise-nanjing-road", "PT-0")] and "Fixed price" in rows[("sunrise-nanjing-road", "PT-0")]

    detail = dealer.get(detail_url(tea)).content.decode()
    assert "Your listings of this product" in detail and "18.50" in detail and "34.00" in detail
    store_filtered = listing_rows(dealer.get(reverse("distributor:listing-list"),
                                             {"store": shop.pk, "q": "Portal"}).content.decode())
    assert set(store_filtered) == {("sunrise-nanjing-road", "PT-0")}


@pytest.mark.parametrize("rule, figures, skus, message", [
    (PriceRule.FIXED, {"fixed_price": "11.00"}, ["PT-0"], "is below the supplier&#x27;s floor of 12.00"),
    (PriceRule.FIXED, {"fixed_price": "41.00"}, ["PT-0"], "is above the marketplace ceiling of 40.00"),
    (PriceRule.MARKUP, {"markup_percent": "12.345"}, ["PT-0"], "more decimals than the currency"),
    (PriceRule.FIXED, {"fixed_price": "12.345"}, ["PT-0"], "at most two decimals"),
    (PriceRule.FIXED, {"fixed_price": "21.00"}, ["PT-0", "PT-1"], "is below the supplier&#x27;s floor of 22.00"),
])
def test_a_refused_listing_names_the_problem_keeps_the_form_and_writes_nothing(tea, stores, dealer, rule, figures,
                                                                              skus, message):
    online, shop = stores
    response = list_from_detail(dealer, tea, [online, shop], skus, rule, **figures)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was listed" in page and message in page
    assert not Listing.objects.filter(entry=tea).exists(), "all or nothing: no pair was listed"
    [typed] = figures.values()
    assert f'value="{typed}"' in page, "the typed figure is kept"
    assert re.search(rf'name="stores" value="{online.pk}"[^>]*checked', page), "the chosen stores stay ticked"


def test_missing_choices_are_named(tea, stores, dealer):
    response = dealer.post(detail_url(tea), {"rule": PriceRule.FIXED})
    page = response.content.decode()
    assert "Choose at least one SKU." in page and "Choose at least one store." in page
    assert not Listing.objects.filter(entry=tea).exists()


def test_an_unapproved_product_cannot_be_listed(stores, dealer):
    draft = make_product("Draft Tea", "DT", [("10.00", "20.00", "12.00", 5)], approve=False)
    online, _ = stores
    assert dealer.get(detail_url(draft)).status_code == 404
    assert list_from_detail(dealer, draft, [online], ["DT-0"], PriceRule.SUGGESTED).status_code == 404
    assert not Listing.objects.filter(entry=draft).exists()


def test_a_product_that_left_the_market_cannot_be_repriced(tea, stores, dealer):
    online, _ = stores
    list_from_detail(dealer, tea, [online], ["PT-0"], PriceRule.SUGGESTED)
    listing = Listing.objects.get(entry=tea)
    catalogue.product_set_shelf(actor=User.objects.get(email="supplier@demo.test"), entry=tea, on_shelf=False)
    response = dealer.post(reverse("distributor:listing-edit", kwargs={"pk": listing.pk}),
                           {"rule": PriceRule.FIXED, "fixed_price": "15.00"})
    assert "Only products in the distribution market can be listed" in response.content.decode()
    listing.refresh_from_db()
    assert (listing.rule, listing.price) == (PriceRule.SUGGESTED, D("20.00"))


def test_editing_one_listing_changes_only_that_store_and_sku(tea, stores, dealer):
    online, shop = stores
    list_from_detail(dealer, tea, [online, shop], ["PT-0", "PT-1"], PriceRule.SUGGESTED)
    target = Listing.objects.get(store=shop, stockrecord=record("PT-0"))
    url = reverse("distributor:listing-edit", kwargs={"pk": target.pk})
    page = dealer.get(url).content.decode()
    assert "12.00" in page and "40.00" in page, "the allowed band is shown"
    response = dealer.post(url, {"rule": PriceRule.MARKUP, "markup_percent": "55"})
    assert response.status_code == 302
    prices = {(li.store_id, li.stockrecord.partner_sku): (li.rule, li.price)
              for li in Listing.objects.filter(entry=tea).select_related("stockrecord")}
    assert prices[(shop.pk, "PT-0")] == (PriceRule.MARKUP, D("15.50"))
    assert prices[(online.pk, "PT-0")] == (PriceRule.SUGGESTED, D("20.00"))
    assert prices[(shop.pk, "PT-1")] == (PriceRule.SUGGESTED, D("34.00"))

    refused = dealer.post(url, {"rule": PriceRule.FIXED, "fixed_price": "99.00"})
    assert "above the marketplace ceiling" in refused.content.decode()
    target.refresh_from_db()
    assert target.price == D("15.50")


# --- pause, resume, remove, flags ------------------------------------------------------------------------------


def test_pause_resume_and_remove_one_and_in_bulk(tea, stores, dealer):
    online, shop = stores
    list_from_detail(dealer, tea, [online, shop], ["PT-0", "PT-1"], PriceRule.SUGGESTED)
    listings = {(li.store_id, li.stockrecord.partner_sku): li
                for li in Listing.objects.filter(entry=tea).select_related("stockrecord")}
    one = listings[(online.pk, "PT-0")]

    assert dealer.get(reverse("distributor:listing-pause", kwargs={"pk": one.pk})).status_code == 200
    dealer.post(reverse("distributor:listing-pause", kwargs={"pk": one.pk}), {"paused": "on"})
    assert Listing.objects.get(pk=one.pk).is_paused
    paused_rows = listing_rows(dealer.get(reverse("distributor:listing-list"), {"state": "paused"}).content.decode())
    assert ("sunrise-online", "PT-0") in paused_rows
    dealer.post(reverse("distributor:listing-pause", kwargs={"pk": one.pk}), {"paused": "off"})
    assert not Listing.objects.get(pk=one.pk).is_paused

    ids = [li.pk for li in listings.values()]
    response = dealer.post(reverse("distributor:listing-bulk"), {"listings": ids, "action": "pause"})
    assert response.status_code == 302
    assert Listing.objects.filter(pk__in=ids, is_paused=True).count() == 4
    dealer.post(reverse("distributor:listing-bulk"), {"listings": ids[:2], "action": "resume"})
    assert Listing.objects.filter(pk__in=ids, is_paused=True).count() == 2

    assert dealer.get(reverse("distributor:listing-remove", kwargs={"pk": one.pk})).status_code == 200
    dealer.post(reverse("distributor:listing-remove", kwargs={"pk": one.pk}))
    assert not Listing.objects.filter(pk=one.pk).exists()
    dealer.post(reverse("distributor:listing-bulk"), {"listings": ids[1:3], "action": "remove"})
    assert Listing.objects.filter(pk__in=ids).count() == 1

    nothing = dealer.post(reverse("distributor:listing-bulk"), {"action": "pause"}, follow=True)
    assert "Tick at least one listing first." in nothing.content.decode()


def test_flagged_filter_shows_the_band_and_the_overview_counts_them(tea, stores, dealer):
    online, shop = stores
    list_from_detail(dealer, tea, [online, shop], ["PT-0"], PriceRule.SUGGESTED)
    Listing.objects.filter(entry=tea, store=shop).update(flag=ListingFlag.BELOW_FLOOR)
    html = dealer.get(reverse("distributor:listing-list"), {"state": "flagged"}).content.decode()
    rows = listing_rows(html)
    assert ("sunrise-nanjing-road", "PT-0") in rows and ("sunrise-online", "PT-0") not in rows
    assert "below the supplier's floor of CN¥12.00" in html
    active = listing_rows(dealer.get(reverse("distributor:listing-list"), {"state": "active"}).content.decode())
    assert ("sunrise-online", "PT-0") in active and ("sunrise-nanjing-road", "PT-0") not in active
    home = dealer.get(reverse("distributor:home")).content.decode()
    assert "?state=flagged" in home and re.search(r"\d+ listings? (is|are) hidden from shoppers", home)


def test_another_distributors_listings_are_404(tea, dealer, demo):
    harbor_store = Store.objects.get(slug="harbor-online")
    theirs = own_listing(harbor_store, "PT-0")
    for name in ("listing-edit", "listing-pause", "listing-remove"):
        url = reverse(f"distributor:{name}", kwargs={"pk": theirs.pk})
        assert dealer.get(url).status_code == 404
        assert dealer.post(url, {"paused": "on", "rule": "fixed", "fixed_price": "15.00"}).status_code == 404
    assert dealer.post(reverse("distributor:listing-bulk"),
                       {"listings": [theirs.pk], "action": "remove"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.price, theirs.is_paused) == (D("20.00"), False)
    page = dealer.get(reverse("distributor:listing-list"), {"q": "Portal"}).content.decode()
    assert "harbor-online" not in page


# --- whole category --------------------------------------------------------------------------------------------


def test_a_whole_category_at_one_markup(tea, stores, dealer):
    online, shop = stores
    url = reverse("distributor:listing-category")
    assert dealer.get(url).status_code == 200
    response = dealer.post(url, {"stores": [online.pk], "category": "Tea", "markup_percent": "100"})
    assert response.status_code == 302, response.content.decode()[:3000]
    mine = Listing.objects.get(store=online, stockrecord=record("PT-0"))
    assert (mine.rule, mine.markup_percent, mine.price) == (PriceRule.MARKUP, D("100"), D("20.00"))
    assert Listing.objects.get(store=online, stockrecord=record("PT-1")).price == D("36.00")
    assert not Listing.objects.filter(store=shop, entry=tea).exists()

    before = Listing.objects.count()
    refused = dealer.post(url, {"stores": [shop.pk], "category": "Tea > Green tea", "markup_percent": "5"})
    assert "Nothing was listed" in refused.content.decode() and "below the supplier" in refused.content.decode()
    assert Listing.objects.count() == before


# --- market filters and supplier record ------------------------------------------------------------------------


def test_market_filters_by_min_margin_and_stock_and_sorts_by_margin(dealer):
    make_product("Filter Thin Tea", "FT", [("10.00", "12.00", "11.00", 3)])
    make_product("Filter Fat Tea", "FF", [("10.00", "60.00", "11.00", 40)])
    url = reverse("distributor:market")

    def titles(**params) -> list[str]:
        html = dealer.get(url, {"q": "Filter", **params}).content.decode()
        return re.findall(r"<strong>(Filter \w+ Tea)</strong>", html)

    assert sorted(titles()) == ["Filter Fat Tea", "Filter Thin Tea"]
    assert titles(min_margin="20") == ["Filter Fat Tea"]
    assert sorted(titles(min_margin="2")) == ["Filter Fat Tea", "Filter Thin Tea"]
    assert titles(min_stock="10") == ["Filter Fat Tea"]
    assert titles(min_stock="41") == []
    assert titles(sort="margin") == ["Filter Fat Tea", "Filter Thin Tea"]
    assert titles(sort="stock") == ["Filter Fat Tea", "Filter Thin Tea"]
    bad = dealer.get(url, {"q": "Filter", "min_margin": "lots"})
    assert bad.status_code == 200 and "Enter a number." in bad.content.decode()


def test_product_page_shows_the_suppliers_record_and_orders_once_sold(tea, stores, dealer):
    online, shop = stores
    page = dealer.get(detail_url(tea)).content.decode()
    assert "About the supplier" in page and "Products in the market" in page
    orders_before = re.search(r"Orders so far</dt><dd>(.*?)</dd>", page).group(1)
    list_from_detail(dealer, tea, [shop], ["PT-0"], PriceRule.FIXED, fixed_price="16.80")
    place_order(shop, "PT-0", quantity=2)
    page = dealer.get(detail_url(tea)).content.decode()
    orders_after = re.search(r"Orders so far</dt><dd>(.*?)</dd>", page).group(1)
    assert orders_after != orders_before and orders_after.strip().isdigit()


def place_order(store, sku, quantity=1):
    shopper = User.objects.get(email="shopper@demo.test")
    basket = Basket.objects.create(owner=shopper)
    basket.strategy = Selector().strategy(store=store)
    basket.add_product(record(sku).product, quantity=quantity)
    shipping = Free()
    total = OrderTotalCalculator().calculate(basket, shipping.calculate(basket))
    return OrderCreator().place_order(basket=basket, total=total, shipping_method=shipping,
                                      shipping_charge=shipping.calculate(basket), user=shopper)


# --- overview -------------------------------------------------------------------------------------------------


def store_row(html: str, store) -> list[str]:
    """The figures of a store's card in the overview's sales per store (today, month, orders, margin)."""
    name = re.escape(str(store))
    card = re.search(rf"<strong>{name}</strong></a>\s*<div class=\"figures\">(.*?)</li>", html, re.S).group(1)
    return [figure.strip() for figure in re.findall(r"</span>(.*?)</div>", card, re.S)]


def money(amount) -> str:
    return f"CN¥{Decimal(amount):,.2f}"


def test_overview_shows_sales_margin_top_products_and_earnings(tea, stores, dealer):
    online, shop = stores
    empty = dealer.get(reverse("distributor:home"))
    assert empty.status_code == 200
    today_before, month_before, orders_before, margin_before = store_row(empty.content.decode(), shop)
    list_from_detail(dealer, tea, [shop], ["PT-0"], PriceRule.FIXED, fixed_price="16.80")
    place_order(shop, "PT-0", quantity=2)
    html = dealer.get(reverse("distributor:home")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Sales today" in text and "Sales this month" in text and "Available to withdraw" in text
    today, month, orders, margin = store_row(html, shop)

    def plus(before: str, amount: str) -> str:
        return money(Decimal(before.replace("CN¥", "").replace(",", "")) + Decimal(amount))

    assert today == plus(today_before, "33.60")  # 2 × 16.80
    assert month == plus(month_before, "33.60")
    assert int(orders) == int(orders_before) + 1
    assert margin == plus(margin_before, "13.60")  # 33.60 − 2 × 10.00 wholesale
    assert "sold" in text and "Pending" in text


# --- team -----------------------------------------------------------------------------------------------------


def invite(client) -> TeamInvitation:
    before = set(TeamInvitation.objects.values_list("pk", flat=True))
    response = client.post(reverse("distributor:team"), {"note": "for a friend"}, follow=True)
    [invitation] = TeamInvitation.objects.exclude(pk__in=before)
    link = reverse("distributor:team-join", kwargs={"token": invitation.token})
    assert link in response.content.decode(), "the new link is shown once"
    assert link not in client.get(reverse("distributor:team")).content.decode(), "and only once"
    return invitation


def join_url(invitation) -> str:
    return reverse("distributor:team-join", kwargs={"token": invitation.token})


def test_invite_join_and_the_refused_joins(signed_in):
    sunrise_client, harbor_client, maple_client = (signed_in(e) for e in (
        "distributor@demo.test", "harbor@demo.test", "maple@demo.test"))
    sunrise, harbor, maple = (Distributor.objects.get(slug=s) for s in ("sunrise-retail", "harbor-goods",
                                                                       "maple-lifestyle"))
    TeamLink.objects.filter(distributor__in=[sunrise, harbor, maple]).delete()
    TeamLink.objects.filter(upline__in=[sunrise, harbor, maple]).delete()
    TeamInvitation.objects.filter(used_by__in=[sunrise, harbor, maple]).update(used_by=None)

    invitation = invite(sunrise_client)
    own = sunrise_client.get(join_url(invitation)).content.decode()
    assert "This is your own invitation" in own

    page = harbor_client.get(join_url(invitation)).content.decode()
    assert "Join Sunrise Retail's team" in page
    response = harbor_client.post(join_url(invitation))
    assert response.status_code == 302 and response["Location"] == reverse("distributor:team")
    assert TeamLink.objects.get(distributor=harbor).upline == sunrise

    tree = sunrise_client.get(reverse("distributor:team")).content.decode()
    assert 'data-distributor="harbor-goods"' in tree and "used by Harbor Goods" in tree

    twice = maple_client.post(join_url(invitation)).content.decode()
    assert "This invitation has already been used." in twice
    assert not TeamLink.objects.filter(distributor=maple).exists()

    # Harbor (in Sunrise's team) invites; Sunrise joining Harbor's team would make a loop.
    harbors = invite(harbor_client)
    loop = sunrise_client.post(join_url(harbors)).content.decode()
    assert "joining its team would make a loop" in loop
    assert not TeamLink.objects.filter(distributor=sunrise).exists()
    assert TeamInvitation.objects.get(pk=harbors.pk).used_at is None

    # Maple joins Harbor's team: level 2 under Sunrise; Harbor, already in a team, cannot join Maple's.
    maple_client.post(join_url(harbors))
    assert TeamLink.objects.get(distributor=maple).upline == harbor
    tree = sunrise_client.get(reverse("distributor:team")).content.decode()
    assert "2 sub-distributors in your team." in tree and "Level 2" in tree
    maples = invite(maple_client)
    already = harbor_client.post(join_url(maples)).content.decode()
    assert "is already in the team of Sunrise Retail" in already


def test_join_page_for_visitors_and_non_distributors(demo, client, signed_in):
    invitation = TeamInvitation.objects.create(inviter=Distributor.objects.get(slug="sunrise-retail"))
    page = client.get(join_url(invitation)).content.decode()
    assert "Sign in" in page and f"/apply/distributor/?invitation={invitation.token}" in page
    assert client.post(join_url(invitation)).status_code == 302
    shopper = signed_in("shopper@demo.test").get(join_url(invitation)).content.decode()
    assert "Only the owner or a manager of a distributor" in shopper and "/apply/distributor/?invitation=" in shopper
    assert client.get(reverse("distributor:team-join", kwargs={"token": "nope"})).status_code == 404


def test_staff_of_a_distributor_cannot_invite(signed_in):
    from parties.models import Membership, Role

    Membership.objects.filter(user__email="harbor@demo.test", distributor__slug="harbor-goods").update(
        role=Role.STAFF)
    client = signed_in("harbor@demo.test")
    page = client.get(reverse("distributor:team"))  # recruiting is the "team" capability: staff do not have it
    assert page.status_code == 403 and "does not include" in page.content.decode()
    assert client.post(reverse("distributor:team"), {"note": "x"}).status_code == 403
