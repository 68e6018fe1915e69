"""StreamField blocks of the marketplace's CMS pages (home page, campaign pages).

Content blocks (rich text, image, banner, countdown) hold what the editor typed. Live blocks (product carousel,
store showcase) hold only ids and read price, stock and open/closed state through `cms.selectors` when the page
is served. A referenced product, store or category that was deleted since publishing comes back as None from
its chooser block: the block renders what is left (or nothing), and the editor sees an empty chooser.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from cms import selectors
from cms.choosers import category_chooser_viewset, product_chooser_viewset, store_chooser_viewset

StoreChooserBlock = store_chooser_viewset.get_block_class(name="StoreChooserBlock", module_path="cms.blocks")
ProductChooserBlock = product_chooser_viewset.get_block_class(name="ProductChooserBlock", module_path="cms.blocks")
CategoryChooserBlock = category_chooser_viewset.get_block_class(name="CategoryChooserBlock",
                                                                module_path="cms.blocks")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(label=_("alternative text"), required=False, max_length=200,
                           help_text=_("What the image shows, for screen readers; empty: the image's title."))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class BannerBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"), required=False)
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_page = blocks.PageChooserBlock(label=_("link to a page"), required=False)
    link_url = blocks.URLBlock(label=_("or to an address"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), required=False, max_length=60)

    class Meta:
        icon = "image"
        label = _("Banner")
        template = "cms/blocks/banner.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("link_page") and value.get("link_url"):
            raise StructBlockValidationError(block_errors={"link_url": ValidationError(
                _("Link to a page or to an address, not both."))})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = value.get("link_page")
        context["href"] = (page.specific.url if page is not None and page.live else "") or value.get("link_url") or ""
        return context


class ProductCarouselBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    store = StoreChooserBlock(label=_("store"), help_text=_("Prices, stock and links are this store's."))
    source = blocks.ChoiceBlock(label=_("products"), default=selectors.Source.PICKED, choices=[
        (selectors.Source.PICKED, _("Hand-picked")),
        (selectors.Source.CATEGORY, _("A category (with its subcategories)")),
        (selectors.Source.BEST_SELLERS, _("The store's best sellers")),
    ])
    products = blocks.ListBlock(ProductChooserBlock(label=_("product")), label=_("hand-picked products"),
                                required=False, default=[])
    category = CategoryChooserBlock(label=_("category"), required=False)
    limit = blocks.IntegerBlock(label=_("at most"), default=8, min_value=1, max_value=selectors.MAX_ITEMS)

    class Meta:
        icon = "pick"
        label = _("Product carousel")
        template = "cms/blocks/product_carousel.html"

    def clean(self, value):
        value = super().clean(value)
        source = value.get("source")
        if source == selectors.Source.PICKED and not [p for p in value.get("products") or [] if p is not None]:
            raise StructBlockValidationError(block_errors={"products": ValidationError(
                _("Choose at least one product for a hand-picked carousel."))})
        if source == selectors.Source.CATEGORY and value.get("category") is None:
            raise StructBlockValidationError(block_errors={"category": ValidationError(
                _("Choose the category whose products the carousel shows."))})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        products = value.get("products") or []
        context["tiles"] = selectors.carousel_tiles(
            store=value.get("store"), source=value.get("source"),
            product_ids=[product.pk for product in products if product is not None],
            category=value.get("category"), limit=value.get("limit") or 8,
            request=(parent_context or {}).get("request"))
        context["few_left"] = selectors.FEW_LEFT
        return context


class StoreShowcaseBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    stores = blocks.ListBlock(StoreChooserBlock(label=_("store")), label=_("stores"))

    class Meta:
        icon = "home"
        label = _("Store showcase")
        template = "cms/blocks/store_showcase.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["shown_stores"] = selectors.showcase_stores(
            store_ids=[store.pk for store in value.get("stores") or [] if store is not None])
        return context


class CountdownBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    ends_at = blocks.DateTimeBlock(label=_("ends at"))
    link_url = blocks.URLBlock(label=_("link"), required=False)
    link_label = blocks.CharBlock(label=_("link label"), required=False, max_length=60)

    class Meta:
        icon = "time"
        label = _("Countdown")
        template = "cms/blocks/countdown.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        ends_at = value.get("ends_at")
        if ends_at is not None and timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at)
        left = int((ends_at - timezone.now()).total_seconds()) if ends_at else 0
        context.update(ended=left <= 0, ends_at=ends_at, days=max(left, 0) // 86400,
                       hours=max(left, 0) % 86400 // 3600, minutes=max(left, 0) % 3600 // 60)
        return context


class PageBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("Text"), template="cms/blocks/rich_text.html")
    image = ImageBlock()
    banner = BannerBlock()
    product_carousel = ProductCarouselBlock()
    store_showcase = StoreShowcaseBlock()
    countdown = CountdownBlock()
