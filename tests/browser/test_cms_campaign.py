"""An editor adds a product carousel to a campaign page in Wagtail (store and product chosen in the choosers'
modals), publishes, and the campaign page on the site shows the product at the store's live price: the same
price text as the store's product page."""

import re
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser]

TITLE = "Campaign Walk Tea"


def a_listed_tea():
    """A one-SKU tea of green-leaf-tea, listed at its suggested price (69.00) in Sunrise Online."""
    from django.contrib.auth import get_user_model

    from distributor import services as distribution
    from parties.models import Distributor, Store, Supplier
    from supplier import services
    from supplier.catalogue_input import ProductInput, VariantInput

    users = get_user_model().objects
    owner, operator = users.get(email="supplier@demo.test"), users.get(email="operator@demo.test")
    entry = services.product_create(actor=owner, supplier=Supplier.objects.get(slug="green-leaf-tea"),
                                    data=ProductInput(title=TITLE, category="Tea > Green tea", product_class="Tea",
                                                      tags=[], variants=[VariantInput(
                                                          sku="CMS-WALK-1", label="", wholesale_price=Decimal("40.00"),
                                                          suggested_retail_price=Decimal("69.00"),
                                                          min_retail_price=Decimal("55.00"), stock={"hz": 30})]))
    services.product_submit(actor=owner, entry=entry)
    services.product_approve(actor=operator, entry=entry)
    Store.objects.filter(slug="sunrise-online").update(price_ending=Store.PriceEnding.EXACT)
    online = Store.objects.get(slug="sunrise-online")
    distribution.listings_save(actor=users.get(email="distributor@demo.test"),
                               distributor=Distributor.objects.get(slug="sunrise-retail"), store_ids=[online.pk],
                               record_ids=[entry.product.stockrecords.get().pk], rule="suggested")
    return entry


def a_campaign():
    from wagtail.models import Site
    from wagtail.rich_text import RichText

    from cms.models import CampaignPage

    home = Site.objects.get(is_default_site=True).root_page.specific
    page = CampaignPage.objects.filter(  # the demo's, when it has catalogues
        slug="spring-tea-festival", locale__language_code="en").first()
    if page is not None:
        return page
    page = home.add_child(instance=CampaignPage(title="Spring tea festival", slug="spring-tea-festival",
                                                body=[("rich_text", RichText("<p>Fresh teas.</p>"))]))
    page.save_revision().publish()
    return page


def choose(page, button, pick: str, search: str = "") -> None:
    """Open a chooser's modal from `button`, optionally search, and pick the row titled `pick`."""
    button.click()
    modal = page.locator(".modal")
    if search:
        modal.locator("input[name=q]").fill(search)
    modal.get_by_role("link", name=pick, exact=True).click()
    modal.wait_for(state="hidden")


def test_editor_adds_a_carousel_and_the_site_shows_the_store_price(site, desk):
    from django.core.cache import cache

    from tests.browser.support import sign_in

    cache.clear()  # Wagtail keeps the sites' root paths in the cache, which outlives an earlier test's flushed tables
    entry = a_listed_tea()
    campaign = a_campaign()
    page = desk
    sign_in(page, site, "operator@demo.test")
    page.goto(f"{site}/cms-admin/pages/{campaign.pk}/edit/")

    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Product carousel").click()
    block = page.locator("[data-streamfield-child]", has=page.locator("input[name$='-value-heading']")).last
    block.locator("input[name$='-value-heading']").fill("Festival teas")
    choose(page, block.get_by_role("button", name="Choose a store"), "Sunrise Online")
    block.locator("button[data-streamfield-list-add]").first.click()
    choose(page, block.get_by_role("button", name="Choose a product"), TITLE, search="Campaign Walk")
    with page.expect_navigation():  # "Publish" sits in the save button's menu
        page.locator("button[name=action-publish]").evaluate("button => button.click()")
    page.wait_for_load_state()
    assert "published" in page.locator("body").inner_text()

    page.goto(f"{site}/spring-tea-festival/")
    tile = page.locator(f".cms-carousel [data-product='{entry.pk}']")
    shown = re.search(r"CN¥[\d,]+\.\d\d", tile.inner_text()).group(0)
    assert shown == "CN¥69.00"
    tile.locator("a").click()
    page.wait_for_url(re.compile(rf"/s/sunrise-online/p/{entry.pk}/$"))
    assert shown in page.locator("main").inner_text()
