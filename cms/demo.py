"""Demo CMS content: the home page's blocks (banner, sunrise-online's best sellers, a hand-picked carousel, a store
showcase, a countdown) and the "Spring tea festival" campaign page.

Called by `parties.demo.load_home_page()` on every demo load. Idempotent and converging: the demo loads the home
page before the catalogue, so the first run lays out what needs no products, and a run once the demo teas exist
adds the hand-picked carousel and the campaign page. A block already there (or an editor's change) is kept.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.rich_text import RichText

CAROUSEL_STORE = "sunrise-online"
SHOWCASE_STORES = ["sunrise-online", "sunrise-nanjing-road", "green-leaf-flagship", "maple-online"]
HOME_PICKS = ["West Lake Longjing", "Keemun Black", "Tieguanyin Classic", "Anji White Tea"]
CAMPAIGN_SLUG = "spring-tea-festival"
CAMPAIGN_PICKS = ["West Lake Longjing", "Huangshan Maofeng", "Milk Oolong", "Tea Sampler Box"]
INTRO = "<p>Tea, food and homeware from trusted suppliers, sold by stores you know.</p>"


def _products(titles):
    from supplier.models import SupplierProduct

    found = {entry.product.title: entry for entry in
             SupplierProduct.objects.select_related("product").filter(product__title__in=titles,
                                                                      supplier__slug="green-leaf-tea")}
    return [found[title] for title in titles if title in found] if len(found) == len(titles) else []


def _picked(heading, store, products):
    return ("product_carousel", {"heading": heading, "store": store, "source": "picked", "products": products,
                                 "category": None, "limit": 8})


def _home_blocks(*, store, stores, picks):
    blocks = [
        ("banner", {"image": None, "heading": "Spring tea festival",
                    "text": "First-flush green teas from Hangzhou and Anhui, in stores now.",
                    "link_page": None, "link_url": f"/s/{CAROUSEL_STORE}/", "button_label": "Shop the teas"}),
        ("product_carousel", {"heading": "Best sellers at Sunrise Online", "store": store, "source": "best_sellers",
                              "products": [], "category": None, "limit": 8}),
    ]
    if picks:
        blocks.append(_picked("Our tea picks", store, picks))
    blocks += [
        ("store_showcase", {"heading": "Stores on the marketplace", "stores": stores}),
        ("countdown", {"heading": "The spring festival ends in", "ends_at": timezone.now() + timedelta(days=14),
                       "link_url": "", "link_label": ""}),
    ]
    return blocks


def _publish(page) -> None:
    page.save_revision().publish()


def load_cms_pages(*, home) -> None:
    from cms.models import CampaignPage
    from parties.models import Store

    store = Store.objects.filter(slug=CAROUSEL_STORE).first()
    if store is None:
        return
    stores = list(Store.objects.filter(slug__in=SHOWCASE_STORES).order_by("name"))
    picks = _products(HOME_PICKS)
    kinds = [(block.block_type, block.value.get("source") if block.block_type == "product_carousel" else None)
             for block in home.body]
    if not any(kind == "product_carousel" for kind, _source in kinds):
        texts = [(block.block_type, block.value) for block in home.body if block.block_type == "rich_text"]
        home.body = (texts or [("rich_text", RichText(INTRO))]) + _home_blocks(store=store, stores=stores,
                                                                               picks=picks)
        _publish(home)
    elif picks and ("product_carousel", "picked") not in kinds:
        at = kinds.index(("product_carousel", "best_sellers")) + 1 if ("product_carousel", "best_sellers") in kinds \
            else len(kinds)
        home.body.insert(at, _picked("Our tea picks", store, picks))
        _publish(home)

    campaign_picks = _products(CAMPAIGN_PICKS)
    if campaign_picks and not CampaignPage.objects.filter(slug=CAMPAIGN_SLUG).exists():
        campaign = home.add_child(instance=CampaignPage(
            title="Spring tea festival", slug=CAMPAIGN_SLUG,
            summary="This spring's first-flush teas at Sunrise Online.",
            body=[("rich_text", RichText("<p>Fresh green, black and oolong teas, picked this spring.</p>")),
                  _picked("Festival teas", store, campaign_picks)]))
        _publish(campaign)
