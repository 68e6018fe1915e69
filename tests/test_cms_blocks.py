"""CMS blocks as a shopper sees them: a product carousel shows the chosen store's live price and stock (no
republishing), leaves out what that store cannot sell, ranks best sellers by units sold in paid orders; a store
showcase leaves out closed stores; a countdown ends; deleted products/categories do not break the page; a carousel
costs the same queries for 2 or 8 products."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from wagtail.models import Site

from cms.blocks import ProductCarouselBlock
from cms.models import CampaignPage
from distributor.models import Listing
from inventory.selectors import pool_q
from parties.models import PartyStatus, Store
from storefront.selectors import store_products
from supplier.models import WarehouseStock

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
Selector = get_class("partner.strategy", "Selector")


# --- helpers shared with test_cms_pages ------------------------------------------------------------------------


def home():
    return Site.objects.get(is_default_site=True).root_page.specific


def publish(*blocks, slug="test-campaign", title="Test campaign", **fields):
    page = home().add_child(instance=CampaignPage(title=title, slug=slug, body=list(blocks), **fields))
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)


def picked(store, entries, limit=8):
    return ("product_carousel", {"heading": "Picks", "store": store, "source": "picked", "products": list(entries),
                                 "category": None, "limit": limit})


def tiles(html: str) -> dict[int, str]:
    """{supplier product id: the tile's text} of every carousel tile on the page."""
    found = {}
    for pk, body in re.findall(r'<li class="sf-card" data-product="(\d+)"[^>]*>(.*?)</li>', html, re.S):
        found.setdefault(int(pk), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
    return found


def free(store, record) -> int:
    strategy = Selector().strategy(store=store)
    return strategy.available_units(record)


def single_sku_entries(store, count, *, min_free=0):
    """`count` products of the store with one SKU (not a parent), each with more than `min_free` free units."""
    chosen = []
    for entry in store_products(store=store):
        if entry.product.is_parent:
            continue
        record = entry.product.stockrecords.get()
        if free(store, record) > min_free:
            chosen.append(entry)
        if len(chosen) == count:
            return chosen
    raise AssertionError("the demo store has too few single-SKU products")


def listing(store, entry) -> Listing:
    return Listing.objects.get(store=store, entry=entry)


@pytest.fixture
def store(demo):
    from tests.distribution_helpers import exact_prices

    return exact_prices("sunrise-online")


def get(page, client=None):
    response = (client or Client()).get(page.url)
    assert response.status_code == 200
    return response.content.decode()


# --- carousel -----------------------------------------------------------------------------------------------------


def test_carousel_shows_the_store_price_now_and_links_to_the_store(store):
    a, b = single_sku_entries(store, 2)
    Listing.objects.filter(pk=listing(store, a).pk).update(price=Decimal("77.70"))
    page = publish(picked(store, [a, b]))
    shown = tiles(get(page))
    assert list(shown) == [a.pk, b.pk]
    assert "77.70" in shown[a.pk] and a.product.title in shown[a.pk]

    Listing.objects.filter(pk=listing(store, a).pk).update(price=Decimal("81.30"))  # no republishing
    html = get(page)
    assert "81.30" in tiles(html)[a.pk] and "77.70" not in html
    assert f'href="/s/{store.slug}/p/{a.pk}/"' in html


def test_sold_out_few_left_and_in_stock(store):
    out, few, plenty = single_sku_entries(store, 3, min_free=5)
    for entry in (out, few):
        WarehouseStock.objects.filter(stockrecord__product=entry.product).update(on_hand=F("allocated"))
    row = WarehouseStock.objects.filter(pool_q(store), stockrecord__product=few.product).order_by("pk").first()
    WarehouseStock.objects.filter(pk=row.pk).update(on_hand=F("allocated") + 3)
    shown = tiles(get(publish(picked(store, [out, few, plenty]))))
    assert "Sold out" in shown[out.pk]
    assert "Only 3 left" in shown[few.pk]
    assert "In stock" in shown[plenty.pk] and "left" not in shown[plenty.pk]


def test_paused_listing_leaves_the_carousel_and_a_closed_store_shows_none(store):
    a, b = single_sku_entries(store, 2)
    page = publish(picked(store, [a, b]))
    Listing.objects.filter(pk=listing(store, a).pk).update(is_paused=True)
    assert list(tiles(get(page))) == [b.pk]

    Store.objects.filter(pk=store.pk).update(status=PartyStatus.SUSPENDED)
    html = get(page)
    assert tiles(html) == {} and 'data-block="product-carousel"' not in html


def test_a_product_the_store_does_not_list_is_left_out(store):
    other = Store.objects.get(slug="maple-online")
    listed_here = Listing.objects.filter(store=store).values("entry_id")
    elsewhere = store_products(store=other).exclude(pk__in=listed_here).first()
    assert elsewhere is not None
    [a] = single_sku_entries(store, 1)
    assert list(tiles(get(publish(picked(store, [elsewhere, a]))))) == [a.pk]


def place_order(store, entry, quantity, *, paid: bool):
    from storefront.addresses import shipping_address_new
    from storefront.services import order_place
    from tests.payment_helpers import shopper
    from tests.test_returns import pay

    basket = Basket.objects.create(owner=shopper())
    basket.strategy = Selector().strategy(store=store)
    basket.add_product(entry.product, quantity, store=store)
    order = order_place(basket=basket, store=store, user=shopper(), shipping_address=shipping_address_new(),
                        payment_method="offline", notify=False)
    if paid:
        pay(order)
    return order


def test_best_sellers_by_units_sold_in_paid_orders(store):
    from payments.models import Payment

    # the demo's own sales out of the way: only this test's orders count
    Payment.objects.filter(order__lines__store=store).update(status=Payment.Status.FAILED)
    a, b, c = single_sku_entries(store, 3, min_free=10)
    place_order(store, a, 3, paid=True)
    place_order(store, b, 5, paid=True)
    place_order(store, c, 9, paid=False)  # not paid: does not count
    place_order(store, a, 4, paid=True)  # a: 7 units, b: 5
    page = publish(("product_carousel", {"heading": "Best", "store": store, "source": "best_sellers",
                                         "products": [], "category": None, "limit": 8}))
    assert list(tiles(get(page))) == [a.pk, b.pk]


def test_category_carousel_takes_subcategories_up_to_its_limit(store):
    tea = Category.objects.get(name="Tea", depth=1)
    page = publish(("product_carousel", {"heading": "Teas", "store": store, "source": "category", "products": [],
                                         "category": tea, "limit": 3}))
    titles = [text.split(" Sunrise")[0] for text in tiles(get(page)).values()]
    # the demo's teas in sunrise-online (green, black, oolong: all below "Tea"), by title
    assert titles == ["Anji White Tea", "Huangshan Maofeng", "Keemun Black"]


def test_deleted_product_and_category_do_not_break_the_page(store, tea, dealer, sunrise):
    from tests.distribution_helpers import list_in

    list_in(dealer, sunrise, [store], ["LST-a", "LST-b"], "suggested")
    [kept] = single_sku_entries(store, 1)
    empty = Category.add_root(name="Gone soon", slug="gone-soon")
    page = publish(picked(store, [tea, kept]),
                   ("product_carousel", {"heading": "Gone", "store": store, "source": "category", "products": [],
                                         "category": empty, "limit": 8}))
    assert list(tiles(get(page))) == [tea.pk, kept.pk]

    tea.product.delete()
    Category.objects.get(pk=empty.pk).delete()
    html = get(page)
    assert list(tiles(html)) == [kept.pk] and "Gone" not in html

    editor = Client()
    editor.force_login(get_user_model().objects.get(email="operator@demo.test"))
    assert editor.get(f"/cms-admin/pages/{page.pk}/edit/").status_code == 200


def test_carousel_queries_do_not_grow_with_its_products(store, django_assert_max_num_queries):
    entries = list(store_products(store=store)[:8])
    assert len(entries) == 8
    two = publish(picked(store, entries[:2]), slug="two")
    eight = publish(picked(store, entries), slug="eight")
    client = Client()
    get(two, client)  # warm the session and caches alike for both
    with CaptureQueriesContext(connection) as baseline:
        assert len(tiles(get(two, client))) == 2
    with django_assert_max_num_queries(len(baseline)):
        assert len(tiles(get(eight, client))) == 8


def test_hand_picked_carousel_needs_a_product_and_category_needs_a_category(store):
    block = ProductCarouselBlock()
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({"store": store.pk, "source": "picked", "products": [], "limit": 8}))
    assert "Choose at least one product" in str(error.value.block_errors["products"])
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({"store": store.pk, "source": "category", "products": [], "limit": 8}))
    assert "Choose the category" in str(error.value.block_errors["category"])


# --- store showcase, countdown ---------------------------------------------------------------------------------


def test_showcase_leaves_out_a_closed_store(store):
    maple = Store.objects.get(slug="maple-online")
    page = publish(("store_showcase", {"heading": "Our stores", "stores": [store, maple]}))
    html = get(page)
    assert f'href="/s/{store.slug}/"' in html and f'href="/s/{maple.slug}/"' in html
    maple.distributor.__class__.objects.filter(pk=maple.distributor_id).update(status=PartyStatus.SUSPENDED)
    html = get(page)
    assert f'href="/s/{store.slug}/"' in html and f'href="/s/{maple.slug}/"' not in html


def test_countdown_counts_down_then_says_the_promotion_ended(demo):
    ends = timezone.now() + timedelta(days=2, hours=3, minutes=10, seconds=30)
    page = publish(("countdown", {"heading": "Sale ends", "ends_at": ends, "link_url": "https://example.com/sale",
                                  "link_label": "Go"}))
    html = get(page)
    assert "2 d 3 h 10 min left" in html and 'href="https://example.com/sale"' in html

    ended = publish(("countdown", {"heading": "Sale ends", "ends_at": timezone.now() - timedelta(minutes=1),
                                   "link_url": "https://example.com/sale", "link_label": "Go"}), slug="ended")
    html = get(ended)
    assert "This promotion has ended." in html and "min left" not in html
    assert "https://example.com/sale" not in html
