"""The storefront pages (/s/): each store shows its own sellable listings at its own prices, through oscar's
strategy; what is not sellable in a store is neither shown nor reachable there."""

import dataclasses
import io
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from distributor import services as distribution
from distributor.models import Listing, ListingFlag
from distributor.selectors import market_records
from parties.models import PartyStatus, Store, Supplier
from parties.services import party_set_status
from supplier import services as catalogue
from supplier.selectors import category_paths
from tests.distribution_helpers import list_in, tea_input

D = Decimal


def home(store) -> str:
    return reverse("storefront:home", args=[store.slug])


def product_url(store, entry) -> str:
    return reverse("storefront:product", args=[store.slug, entry.pk])


def page(url: str, client: Client | None = None, status: int = 200) -> str:
    response = (client or Client()).get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def card(html: str, entry) -> str:
    """The text of the entry's card on a store home page ('' when it is not there)."""
    found = re.search(rf'<li class="sf-card" data-product="{entry.pk}">(.*?)</li>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def operator():
    return get_user_model().objects.get(email="operator@demo.test")


def supplier_owner():
    return get_user_model().objects.get(email="supplier@demo.test")


# --- prices -------------------------------------------------------------------------------------------------------


def test_the_same_product_at_each_stores_own_price(dealer, sunrise, online, shop, tea):
    list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], "suggested")  # 20.00 and 34.00
    list_in(dealer, sunrise, [shop], ["LST-a", "LST-b"], "markup", markup_percent=D("50"))  # 15.00 and 27.00

    online_card, shop_card = card(page(home(online)), tea), card(page(home(shop)), tea)
    assert "Listing tea" in online_card and "from CN¥20.00" in online_card and "Green Leaf" in online_card
    assert "Listing tea" in shop_card and "from CN¥15.00" in shop_card

    online_page = page(product_url(online, tea))
    assert "CN¥20.00" in online_page and "CN¥34.00" in online_page and "CN¥15.00" not in online_page
    shop_page = page(product_url(shop, tea))
    assert "CN¥15.00" in shop_page and "CN¥27.00" in shop_page
    # the suggested retail price is not shown as a "was" price next to the store's own
    assert "CN¥20.00" not in shop_page and "CN¥34.00" not in shop_page
    assert "In stock" in shop_page and '<li data-sku="LST-a">' in shop_page


def test_prices_come_from_the_strategy(dealer, sunrise, online, tea):
    """A listing's price changed behind the page's back shows at once: nothing is copied per store."""
    [a, _b] = list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], "suggested")
    Listing.objects.filter(pk=a.pk).update(price=D("18.50"))
    assert "from CN¥18.50" in card(page(home(online)), tea)
    assert "CN¥18.50" in page(product_url(online, tea))


def test_only_listed_variants_show_and_sold_out_is_marked(dealer, sunrise, online, tea):
    list_in(dealer, sunrise, [online], ["LST-b"], "suggested")
    html = page(product_url(online, tea))
    assert '<li data-sku="LST-b">' in html and "LST-a" not in html
    catalogue.stock_set(actor=supplier_owner(), entry=tea, sku="LST-b", warehouse_code="hz", on_hand=0)
    html = page(product_url(online, tea))
    assert "Sold out" in html and "In stock" not in html
    assert "Sold out" in card(page(home(online)), tea)
    assert "from" not in card(page(home(online)), tea), "one listed variant: its price, not a 'from' price"


# --- what is not sellable here ------------------------------------------------------------------------------------


def _hidden(store, entry) -> None:
    assert card(page(home(store)), entry) == ""
    page(product_url(store, entry), status=404)


def test_paused_flagged_and_off_shelf_listings_disappear(dealer, sunrise, online, tea):
    listings = list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], "suggested")
    assert card(page(home(online)), tea)
    page(product_url(online, tea))

    distribution.listings_set_paused(actor=dealer, listings=listings, paused=True)
    _hidden(online, tea)
    distribution.listings_set_paused(actor=dealer, listings=listings, paused=False)
    assert card(page(home(online)), tea)

    Listing.objects.filter(pk__in=[listing.pk for listing in listings]).update(flag=ListingFlag.BELOW_FLOOR)
    _hidden(online, tea)
    Listing.objects.filter(pk__in=[listing.pk for listing in listings]).update(flag="")
    assert card(page(home(online)), tea)

    catalogue.product_set_shelf(actor=supplier_owner(), entry=tea, on_shelf=False)
    _hidden(online, tea)


def test_one_paused_variant_leaves_the_other(dealer, sunrise, online, tea):
    [a, _b] = list_in(dealer, sunrise, [online], ["LST-a", "LST-b"], "suggested")
    distribution.listings_set_paused(actor=dealer, listings=[a], paused=True)
    html = page(product_url(online, tea))
    assert "LST-b" in html and "LST-a" not in html
    assert "CN¥34.00" in card(page(home(online)), tea)


def test_another_stores_product_is_404(dealer, sunrise, online, shop, tea):
    list_in(dealer, sunrise, [shop], ["LST-a"], "suggested")
    page(product_url(shop, tea))
    _hidden(online, tea)
    harbor = Store.objects.get(slug="harbor-online")
    _hidden(harbor, tea)


def test_unknown_store_and_unknown_product_are_404(online):
    page("/s/no-such-store/", status=404)
    page("/s/no-such-store/p/1/", status=404)
    page(reverse("storefront:product", args=[online.slug, 999_999]), status=404)


def test_a_closed_store_shows_a_notice_and_nothing_to_buy(dealer, sunrise, online, tea):
    list_in(dealer, sunrise, [online], ["LST-a"], "suggested")
    party_set_status(actor=operator(), party=online, status=PartyStatus.SUSPENDED, reason="audit")
    html = page(home(online))
    assert "This store is not taking orders" in html
    assert 'class="sf-card"' not in html and "Listing tea" not in html
    page(product_url(online, tea), status=404)
    assert 'data-store="sunrise-online"' not in page(reverse("storefront:directory"))


def test_a_store_of_a_suspended_distributor_is_closed(dealer, sunrise, online, tea):
    list_in(dealer, sunrise, [online], ["LST-a"], "suggested")
    party_set_status(actor=operator(), party=sunrise, status=PartyStatus.SUSPENDED, reason="audit")
    html = page(home(online))
    assert "This store is not taking orders" in html and "Listing tea" not in html


# --- directory, search, filters, language -------------------------------------------------------------------------


def test_directory_lists_open_stores_with_listings(demo):
    html = page(reverse("storefront:directory"))
    for slug in ("sunrise-online", "sunrise-nanjing-road", "harbor-online", "maple-online"):
        assert f'data-store="{slug}"' in html
        assert f'href="/s/{slug}/"' in html
    assert 'data-store="green-leaf-flagship"' not in html, "a store with no listings is not in the directory"


def test_search_and_category_filter(dealer, sunrise, online, tea):
    list_in(dealer, sunrise, [online], ["LST-a"], "suggested")
    assert card(page(home(online) + "?q=listing+TEA"), tea)
    assert card(page(home(online) + "?q=nothing-like-this"), tea) == ""
    assert card(page(home(online) + "?category=Tea"), tea), "a parent category includes its children"
    assert card(page(home(online) + "?category=Tea+%3E+Green+tea"), tea)
    other = next(path for path in category_paths() if not path.startswith("Tea"))
    assert card(page(home(online) + "?" + urlencode({"category": other})), tea) == ""


def test_chinese_store_name_under_zh_hans(dealer, sunrise, online, tea):
    list_in(dealer, sunrise, [online], ["LST-a"], "suggested")
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page(home(online), zh)
    assert '<html lang="zh-hans">' in html and online.name_zh in html
    assert online.name_zh in page(product_url(online, tea), zh)
    english = page(home(online))
    assert online.name in english and online.name_zh not in english


def test_first_image_is_the_cards_thumbnail(dealer, sunrise, online, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    data = dataclasses.replace(tea_input(a={"sku": "IMG-a"}, b={"sku": "IMG-b"}), title="Pictured tea")
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    entry = catalogue.product_create(actor=supplier_owner(), supplier=supplier, data=data, images=[
        SimpleUploadedFile("first.png", buffer.getvalue(), "image/png"),
        SimpleUploadedFile("second.png", buffer.getvalue(), "image/png")])
    catalogue.product_submit(actor=supplier_owner(), entry=entry)
    catalogue.product_approve(actor=operator(), entry=entry)
    list_in(dealer, sunrise, [online], ["IMG-a"], "suggested")
    images = list(entry.product.images.order_by("display_order"))
    html = page(home(online))
    found = re.search(rf'data-product="{entry.pk}">.*?<img src="([^"]+)"', html, re.S)
    assert found and found.group(1) == images[0].original.url
    detail = page(product_url(online, entry))
    assert all(image.original.url in detail for image in images)


def test_description_is_rendered_as_its_sanitised_html(dealer, sunrise, online):
    data = dataclasses.replace(tea_input(a={"sku": "DSC-a"}, b={"sku": "DSC-b"}), title="Described tea",
                               description="<p>Fresh <strong>spring</strong> leaves</p><script>alert(1)</script>")
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    entry = catalogue.product_create(actor=supplier_owner(), supplier=supplier, data=data)
    catalogue.product_submit(actor=supplier_owner(), entry=entry)
    catalogue.product_approve(actor=operator(), entry=entry)
    list_in(dealer, sunrise, [online], ["DSC-a"], "suggested")
    html = page(product_url(online, entry))
    assert "<strong>spring</strong>" in html and "<script>alert(1)" not in html


# --- fixed query counts -------------------------------------------------------------------------------------------


def _queries(url: str) -> int:
    client = Client()
    client.get(url)  # warm caches (content types, site) outside the count
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def small_store(sunrise):
    return Store.objects.create(slug="tiny-shop", name="Tiny Shop", name_zh="小店", distributor=sunrise)


def test_store_pages_cost_a_fixed_number_of_queries(dealer, sunrise, online, small_store, tea):
    list_in(dealer, sunrise, [small_store], ["LST-a"], "suggested")
    distribution.listings_save(actor=dealer, distributor=sunrise, store_ids=[online.pk], rule="suggested",
                               record_ids=list(market_records().values_list("pk", flat=True)))
    many = Listing.objects.filter(store=online).values("entry_id").distinct().count()
    assert many > 24, "the store fills more than one page"

    one = _queries(home(small_store))
    assert _queries(home(online)) == one, "a full page of products costs what one product does"
    assert _queries(home(online) + "?page=2") == one
    assert _queries(home(online) + "?category=Tea") == one

    detail = _queries(product_url(small_store, tea))
    assert _queries(product_url(online, tea)) == detail, "two listed variants cost what one does"
    standalone = (Listing.objects.filter(store=online, stockrecord__product__parent__isnull=True)
                  .select_related("entry").first())
    # a standalone product has no variants to prefetch stock records for: one query fewer, never more
    assert _queries(product_url(online, standalone.entry)) <= detail

    directory = _queries(reverse("storefront:directory"))
    Store.objects.create(slug="tiny-shop-2", name="Tiny Shop 2", distributor=sunrise)
    list_in(dealer, sunrise, [Store.objects.get(slug="tiny-shop-2")], ["LST-b"], "suggested")
    assert _queries(reverse("storefront:directory")) == directory
