"""What the CMS blocks show, read live at every page view: a carousel's products priced by the chosen store's
strategy, the open stores of a showcase, the live campaign pages.

Nothing is copied into the page: a carousel stores only the store, the source and product/category ids, and the
price, stock and sellability come from the storefront's selectors and `StoreStrategy` when the page is served
(change a listing's price and the page shows it without republishing). A carousel runs a fixed number of
queries whatever its size (`with_variants` + one primed strategy).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from parties.models import Store
from payments.models import Payment
from storefront import selectors as storefront

Selector = get_class("partner.strategy", "Selector")
Line = get_model("order", "Line")

FEW_LEFT = 5  # at most this many units free in the store's pool: "only N left"
MAX_ITEMS = 24


class Source:
    PICKED = "picked"
    CATEGORY = "category"
    BEST_SELLERS = "best_sellers"


@dataclass
class Tile:
    """One product of a carousel as the store sells it now."""

    card: storefront.Card
    store: Store
    units_left: int | None  # free units in the store's pool over the listed variants; None: stock not tracked

    @property
    def stock(self) -> str:
        """"out", "few" or "in"."""
        if not self.card.available:
            return "out"
        if self.units_left is not None and self.units_left <= FEW_LEFT:
            return "few"
        return "in"


def best_seller_ids(*, store: Store, limit: int) -> list[int]:
    """Supplier products sellable in `store` now, by units sold there in paid orders (most first), at most
    `limit`. One query."""
    counted = Payment.objects.filter(order=OuterRef("order"), status__in=Payment.RECEIVED, duplicate=False)
    rows = (Line.objects.filter(store=store).filter(Exists(counted))
            .annotate(entry=Coalesce("product__parent__supplier_entry__id", "product__supplier_entry__id"))
            .filter(entry__in=storefront.store_products(store=store).values("pk"))
            .values("entry").annotate(units=Sum("quantity")).order_by("-units", "entry")[:limit])
    return [row["entry"] for row in rows]


def carousel_entries(*, store: Store, source: str, product_ids=(), category=None, limit: int = 8) -> list:
    """The carousel's supplier products sellable in `store`, in the carousel's order, at most `limit`."""
    limit = max(1, min(limit or MAX_ITEMS, MAX_ITEMS))
    if store is None or not store.is_open:
        return []
    sellable = storefront.store_products(store=store)
    if source == Source.PICKED:
        ids = [pk for pk in product_ids if pk is not None]
        found = sellable.in_bulk(ids)
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found][:limit]
    if source == Source.CATEGORY:
        if category is None:
            return []
        return list(storefront.store_products(store=store, category=category)[:limit])
    if source == Source.BEST_SELLERS:
        ids = best_seller_ids(store=store, limit=limit)
        found = sellable.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
    return []


def carousel_tiles(*, store: Store, source: str, product_ids=(), category=None, limit: int = 8,
                   request=None) -> list[Tile]:
    """The carousel's products with the store's live price and stock: a fixed number of queries for any size."""
    entries = storefront.with_variants(carousel_entries(store=store, source=source, product_ids=product_ids,
                                                        category=category, limit=limit))
    if not entries:
        return []
    strategy = Selector().strategy(request=request, store=store)
    storefront.prime_strategy(strategy=strategy, entries=entries)
    tiles = []
    for card in storefront.product_cards(strategy=strategy, entries=entries):
        if not card.price.exists:  # nothing of it listed (or sellable) in this store
            continue
        tiles.append(Tile(card=card, store=store, units_left=_units_left(strategy, card.product)))
    return tiles


def _units_left(strategy, product) -> int | None:
    variants = storefront.variants_of(product)
    if not product.get_product_class().track_stock:
        return None
    units = 0
    for variant in variants:
        info = strategy.fetch_for_product(variant)
        if info.price.exists and info.stockrecord is not None:
            units += strategy.available_units(info.stockrecord)
    return units


def showcase_stores(*, store_ids) -> list[Store]:
    """The chosen stores that are open, in the editor's order, with their storefront profiles. One query."""
    ids = [pk for pk in store_ids if pk is not None]
    found = Store.objects.select_related("distributor", "supplier", "profile").in_bulk(ids)
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found and found[pk].is_open]


def live_campaigns(*, home):
    """Campaign pages under `home` that are published and not past their expiry, newest first."""
    from cms.models import CampaignPage

    now = timezone.now()
    return (CampaignPage.objects.child_of(home).live().public()
            .exclude(expire_at__lte=now).order_by("-first_published_at", "-pk"))
