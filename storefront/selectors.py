"""Storefront queries: open stores, a store's sellable products, and priming the store's strategy for a page.

Prices are never read from the listings here: the page asks oscar's strategy (`StoreStrategy`), and these
functions only load, in a fixed number of queries, what the strategy would otherwise fetch one SKU at a time.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from distributor.selectors import sellable_listings, sellable_listings_in
from parties.models import PartyStatus, Store
from storefront.fulfilment.models import Parcel
from storefront.models import FulfilmentGroup, FulfilmentLine
from supplier.models import SupplierProduct

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

PAGE_SIZE = 24


def open_stores() -> QuerySet[Store]:
    """Stores shoppers can buy in: the store and its owner active, at least one sellable listing."""
    return (Store.objects.filter(status=PartyStatus.ACTIVE)
            .filter(Q(distributor__status=PartyStatus.ACTIVE) | Q(supplier__status=PartyStatus.ACTIVE))
            .filter(Exists(sellable_listings(store=OuterRef("pk"))))
            .select_related("distributor", "supplier").order_by("name", "pk"))


def store_by_slug(*, slug: str) -> Store:
    """The store with this slug (open or not: a closed store still answers, with a notice), else 404."""
    store = Store.objects.select_related("distributor", "supplier").filter(slug=slug).first()
    if store is None:
        raise Http404(_("There is no store at this address."))
    return store


def store_products(*, store: Store, search: str = "", category=None) -> QuerySet[SupplierProduct]:
    """Top-level products with at least one sellable listing in `store`, by title; none while it is closed.

    `category`: an oscar Category (one of `supplier.selectors.category_paths()`); that category or any below it.
    """
    if not store.is_open:
        return SupplierProduct.objects.none()
    qs = SupplierProduct.objects.filter(pk__in=sellable_listings(store=store).values("entry_id"))
    if search:
        qs = qs.filter(product__title__icontains=search)
    if category is not None:
        products = Product.objects.filter(categories__in=category.get_descendants_and_self()).values("pk")
        qs = qs.filter(product_id__in=products)
    return qs.select_related("product", "product__product_class", "supplier").order_by("product__title", "pk")


def with_variants(entries) -> list[SupplierProduct]:
    """The entries with what the strategy and the cards read, prefetched: images, stock records, and the public
    children (as oscar's `_prefetched_public_children`) with theirs. Four queries whatever the number of entries."""
    entries = list(entries)
    products = [entry.product for entry in entries]
    prefetch_related_objects(
        products,
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
        Prefetch("children", queryset=Product.objects.filter(is_public=True).order_by("pk").prefetch_related(
            Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk"))),
            to_attr="_prefetched_public_children"),
    )
    return entries


def variants_of(product) -> list:
    """A product's sellable units: its public children (prefetched by `with_variants`), or itself."""
    if product.is_parent:
        return list(product.get_public_children())
    return [product]


def prime_strategy(*, strategy, entries) -> None:
    """Load the store's sellable listings of every SKU of `entries` into the strategy in one query.

    `StoreStrategy.listing_for` otherwise asks once per SKU. The entries must come through `with_variants`.
    """
    records = {}
    for entry in entries:
        for variant in variants_of(entry.product):
            for record in variant.stockrecords.all():
                records[record.pk] = record
    strategy.prime(records.values())


@dataclass
class Card:
    """One product on a store's home page, priced by the store's strategy."""

    entry: SupplierProduct
    image: object
    price: object  # the strategy's pricing policy: the lowest variant price in this store
    available: bool
    listed_variants: int

    @property
    def product(self):
        return self.entry.product


@dataclass
class Variant:
    """One SKU of a product as this store sells it."""

    product: object
    label: str
    sku: str
    price: object
    availability: object


def product_cards(*, strategy, entries) -> list[Card]:
    """The page's products as cards; prices and availability from the strategy (prime it first)."""
    cards = []
    for entry in entries:
        product = entry.product
        if product.is_parent:
            info = strategy.fetch_for_parent(product)
            listed = sum(1 for child in variants_of(product) if strategy.fetch_for_product(child).price.exists)
        else:
            info = strategy.fetch_for_product(product)
            listed = 1 if info.price.exists else 0
        images = list(product.images.all())
        cards.append(Card(entry=entry, image=images[0] if images else None, price=info.price,
                          available=info.availability.is_available_to_buy, listed_variants=listed))
    return cards


def product_variants(*, strategy, entry) -> list[Variant]:
    """The product's variants listed (and sellable) in the strategy's store, each with its store price."""
    product = entry.product
    rows = []
    for variant in variants_of(product):
        info = strategy.fetch_for_product(variant)
        if info.price.exists:
            rows.append(Variant(product=variant, label=variant.title if product.is_parent else "",
                                sku=info.stockrecord.partner_sku, price=info.price,
                                availability=info.availability))
    return rows


GUEST_ORDERS_SESSION_KEY = "mp_guest_orders"
ORDER_TOKEN_SALT = "mp-order-access"


def order_access_token(*, order) -> str:
    """A signed token that lets whoever holds the confirmation e-mail see this one order (guests)."""
    return signing.dumps(str(order.number), salt=ORDER_TOKEN_SALT)  # a just-placed order's number is an int


def shopper_orders(*, request) -> QuerySet:
    """The orders the visitor may see: a signed-in shopper's own, plus the guest orders opened in this session."""
    Order = get_model("order", "Order")
    guest = Q(user__isnull=True, number__in=request.session.get(GUEST_ORDERS_SESSION_KEY, []))
    if request.user.is_authenticated:
        return Order.objects.filter(Q(user=request.user) | guest)
    return Order.objects.filter(guest)


def shopper_order(*, request, number: str, token: str = ""):
    """One order the visitor may see, else 404. A valid `token` (from the e-mail) opens it for this session."""
    if token:
        try:
            if signing.loads(token, salt=ORDER_TOKEN_SALT) == number:
                remember_guest_order(request=request, number=number)
        except signing.BadSignature:
            pass
    order = shopper_orders(request=request).filter(number=number).first()
    if order is None:
        raise Http404(_("There is no order of yours with this number."))
    return order


def remember_guest_order(*, request, number: str) -> None:
    """Let this browser session see a guest order (after placing it, or through the e-mailed link)."""
    numbers = request.session.get(GUEST_ORDERS_SESSION_KEY, [])
    number = str(number)
    if number not in numbers:
        request.session[GUEST_ORDERS_SESSION_KEY] = [*numbers, number]


@dataclass
class StorePart:
    """The lines of one store in an order or basket, with that store's delivery charge."""

    store: Store
    lines: list
    items_total: object
    shipping: object
    short_of_free: object = None  # basket only: how much more of this store's items makes delivery free


@dataclass
class OrderSummary:
    order: object
    stores: list[StorePart]
    groups: list  # fulfilment groups, each with `.lines` prefetched


def order_summary(*, order) -> OrderSummary:
    """An order as the shopper reads it: lines by store with each store's delivery, and how it ships (each group
    with its parcels and `partly_shipped`).

    Six queries whatever the size of the order.
    """
    lines = list(order.lines.select_related("store", "product", "product__parent").order_by("pk"))
    charges = {row.store_id: row for row in order.store_shipping.all()}
    parts: dict[int, StorePart] = {}
    for line in lines:
        key = line.store_id or 0
        if key not in parts:
            charge = charges.get(key)
            parts[key] = StorePart(store=line.store, lines=[], items_total=charge.items_total if charge else None,
                                   shipping=charge.charge if charge else None)
        parts[key].lines.append(line)
    groups = list(FulfilmentGroup.objects.filter(order=order)
                  .select_related("warehouse", "warehouse__store", "supplier")
                  .prefetch_related(Prefetch("lines", queryset=FulfilmentLine.objects.select_related(
                      "line", "line__product", "line__product__parent").order_by("pk")),
                                    Prefetch("parcels", queryset=Parcel.objects.order_by("shipped_at", "pk")))
                  .order_by("pk"))
    for group in groups:  # some units left in a parcel, the rest not yet
        group.partly_shipped = bool(group.parcels.all()) and group.status in (
            FulfilmentGroup.Status.PENDING, FulfilmentGroup.Status.PICKING, FulfilmentGroup.Status.PACKED)
    return OrderSummary(order=order, stores=list(parts.values()), groups=groups)


@dataclass
class Offer:
    """One product as one store sells it, on the marketplace-wide page."""

    store: Store
    entry: SupplierProduct
    price: object  # the store's lowest listed price of the product's SKUs (what its strategy charges)
    image: object


def marketplace_offers(*, search: str = ""):
    """(store, product) pairs on sale in every open store, lowest store price each; a values queryset to page."""
    qs = sellable_listings_in(store_ids=open_stores().values("pk"))
    if search:
        qs = qs.filter(entry__product__title__icontains=search)
    return (qs.values("store_id", "entry_id").annotate(price=Min("price"))
            .order_by("entry__product__title", "store__name", "store_id", "entry_id"))


def offers_for_page(rows) -> list[Offer]:
    """The page's rows with their stores, products and first images: three queries whatever the page size."""
    rows = list(rows)
    stores = Store.objects.in_bulk({row["store_id"] for row in rows})
    entries = SupplierProduct.objects.select_related("product").in_bulk({row["entry_id"] for row in rows})
    prefetch_related_objects([entry.product for entry in entries.values()],
                             Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")))
    offers = []
    for row in rows:
        entry = entries[row["entry_id"]]
        images = list(entry.product.images.all())
        offers.append(Offer(store=stores[row["store_id"]], entry=entry, price=row["price"],
                            image=images[0] if images else None))
    return offers
