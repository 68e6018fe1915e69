"""The Wagtail home and campaign pages as shoppers and editors see them: the demo's blocks, live campaigns listed
on the home page, the storefront's header (basket, language switch, help, the shopper's own session), Wagtail's
preview, and scheduled publishing (go-live / expiry) of a campaign."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cms.models import CampaignPage
from tests.conftest import DEMO_PASSWORD
from tests.test_cms_blocks import get, home, picked, publish, single_sku_entries, tiles


@pytest.fixture
def store(demo):
    from tests.distribution_helpers import exact_prices

    return exact_prices("sunrise-online")


def test_home_page_shows_the_demo_blocks_and_the_live_campaign(demo):
    html = get(home())
    assert "Tea, food and homeware from trusted suppliers" in html
    assert 'data-block="banner"' in html and "Shop the teas" in html
    assert html.count('data-block="product-carousel"') == 2
    assert "Best sellers at Sunrise Online" in html and "Our tea picks" in html
    assert 'data-block="store-showcase"' in html and 'href="/s/sunrise-online/"' in html
    assert 'data-block="countdown"' in html and "min left" in html
    assert 'data-campaign="spring-tea-festival"' in html and 'href="/spring-tea-festival/"' in html


def test_campaign_price_is_the_storefront_product_page_price(store):
    campaign = CampaignPage.objects.get(slug="spring-tea-festival", locale__language_code="en")
    shown = tiles(get(campaign))
    assert len(shown) == 4
    client = Client()
    for pk, text in shown.items():
        price = re.search(r"CN¥[\d,]+\.\d\d", text).group(0)
        product_page = client.get(f"/s/{store.slug}/p/{pk}/").content.decode()
        prices = re.findall(r"CN¥[\d,]+\.\d\d", product_page)
        if "from" in text:
            assert price == min(prices, key=lambda p: float(p[3:].replace(",", "")))
        else:
            assert price in prices


def test_cms_pages_wear_the_storefront_header_with_the_shopper_session(store):
    shopper = Client()
    assert shopper.post("/login/", {"username": "shopper@demo.test", "password": DEMO_PASSWORD}).status_code == 302
    html = get(CampaignPage.objects.get(slug="spring-tea-festival", locale__language_code="en"), shopper)
    assert 'class="sf-header"' in html and 'class="sf-basket-link"' in html
    assert 'href="/help/"' in html and "My points" in html  # signed in: no second login
    assert 'name="language"' in html
    assert "My points" not in get(home())  # a guest's page has no points link


def test_wagtail_preview_renders_the_live_blocks(store):
    [entry] = single_sku_entries(store, 1)
    page = publish(("rich_text", "<p>Draft text</p>"), slug="preview-me")
    page.body = [("rich_text", "<p>Changed, not published</p>"), picked(store, [entry])]
    response = page.make_preview_request()
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changed, not published" in html and entry.pk in tiles(html)
    assert "Draft text" in get(CampaignPage.objects.get(pk=page.pk))  # the live page is unchanged


def test_scheduled_campaign_goes_live_and_expires(store):
    [entry] = single_sku_entries(store, 1)
    page = home().add_child(instance=CampaignPage(title="Later", slug="later", live=False,
                                                  body=[picked(store, [entry])]))
    page.go_live_at = timezone.now() + timedelta(hours=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert 'data-campaign="later"' not in get(home())
    assert Client().get("/later/").status_code == 404

    # an hour later: the scheduled revision is due (moved back instead of waiting)
    due = timezone.now() - timedelta(minutes=1)
    revision = page.latest_revision
    revision.content = {**revision.content, "go_live_at": due.isoformat()}
    revision.approved_go_live_at = due
    revision.save(update_fields=["content", "approved_go_live_at"])
    CampaignPage.objects.filter(pk=page.pk).update(go_live_at=due)
    call_command("publish_scheduled")
    assert 'data-campaign="later"' in get(home())
    assert entry.pk in tiles(Client().get("/later/").content.decode())

    CampaignPage.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    assert 'data-campaign="later"' not in get(home())  # past its expiry, even before the job runs
    call_command("publish_scheduled")
    assert Client().get("/later/").status_code == 404
