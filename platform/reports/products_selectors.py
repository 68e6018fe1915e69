"""Cross-store product performance: one product in every store that lists or sold it, and the products that sell
in one store of a distributor but not in the sibling stores that list them too.

Definitions (the page says them too):
- a sale is an order line of a paid order (a payment that received money, not a duplicate) placed in the period;
- revenue = the lines' price incl. tax after discounts; margin = revenue − wholesale price at sale × units;
- a store *lists* a product when it has a listing of one of its SKUs that is not paused;
- conversion = the listing stores that sold it in the period ÷ the stores that list it.
A variant's sales and listings count for its parent product. Everything is a database aggregate: a fixed number
of queries whatever the number of stores, products or lines.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from customers.selectors import money, paid_order_ids
from distributor.models import Listing
from parties.models import Store
from reports.selectors import MONEY

Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")

SEARCH_LIMIT = 20
LONE_SELLERS_LIMIT = 50


def product_search(*, text: str) -> QuerySet:
    """Top-level catalogue products whose title contains `text` or one of whose SKUs is `text`."""
    text = (text or "").strip()
    if not text:
        return Product.objects.none()
    return (Product.objects.filter(parent__isnull=True)
            .filter(Q(title__icontains=text) | Q(stockrecords__partner_sku__iexact=text)
                    | Q(children__stockrecords__partner_sku__iexact=text))
            .distinct().order_by("title", "pk")[:SEARCH_LIMIT])


def _margin():
    """Line price − wholesale × units; a line with no wholesale price (a flagship store's own goods) has none to
    take away, as in the ledger's split and the contribution report."""
    wholesale = Coalesce(F("wholesale_price"), Value(Decimal("0.00")), output_field=MONEY)
    return ExpressionWrapper(F("line_price_incl_tax") - wholesale * F("quantity"), output_field=MONEY)


def sales(*, start: datetime, end: datetime) -> QuerySet:
    """Order lines of paid orders placed in [start, end), sold in a store."""
    return Line.objects.filter(order_id__in=paid_order_ids(), order__date_placed__gte=start,
                               order__date_placed__lt=end, store__isnull=False)


@dataclass
class StoreRow:
    store_id: int
    name: str
    owner: str
    listed: bool = False
    paused: bool = False
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    units: int = 0
    revenue: Decimal = Decimal("0.00")
    margin: Decimal = Decimal("0.00")


@dataclass
class ProductPerformance:
    rows: list[StoreRow] = field(default_factory=list)
    listing_stores: int = 0
    selling_listing_stores: int = 0
    units: int = 0
    revenue: Decimal = Decimal("0.00")
    margin: Decimal = Decimal("0.00")

    @property
    def conversion(self) -> Decimal | None:
        """Listing stores that sold it ÷ listing stores, as a percentage (None when no store lists it)."""
        if not self.listing_stores:
            return None
        return (Decimal(100) * self.selling_listing_stores / self.listing_stores).quantize(Decimal("0.1"))


def product_performance(*, product, start: datetime, end: datetime) -> ProductPerformance:
    """One row per store that lists `product` (any of its SKUs) or sold it in [start, end); three queries."""
    family = Q(product_id=product.pk) | Q(product__parent_id=product.pk)
    listed = {row["store_id"]: row for row in Listing.objects.filter(
        Q(stockrecord__product_id=product.pk) | Q(stockrecord__product__parent_id=product.pk))
        .values("store_id").annotate(on_sale=Count("pk", filter=Q(is_paused=False)),
                                     min_price=Min("price", filter=Q(is_paused=False)),
                                     max_price=Max("price", filter=Q(is_paused=False))).order_by()}
    sold = {row["store_id"]: row for row in sales(start=start, end=end).filter(family).values("store_id")
            .annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax"), margin=Sum(_margin())).order_by()}
    stores = Store.objects.filter(pk__in=set(listed) | set(sold)).values(
        "pk", "name", owner=Coalesce("distributor__name", "supplier__name")).order_by("name", "pk")
    result = ProductPerformance()
    for store in stores:
        row = StoreRow(store_id=store["pk"], name=store["name"], owner=store["owner"] or "")
        if store["pk"] in listed:
            listing = listed[store["pk"]]
            row.listed, row.paused = listing["on_sale"] > 0, listing["on_sale"] == 0
            row.min_price, row.max_price = listing["min_price"], listing["max_price"]
        if store["pk"] in sold:
            figures = sold[store["pk"]]
            row.units, row.revenue, row.margin = figures["units"] or 0, money(figures["revenue"]), money(
                figures["margin"])
        result.rows.append(row)
        result.units += row.units
        result.revenue += row.revenue
        result.margin += row.margin
        result.listing_stores += row.listed
        result.selling_listing_stores += row.listed and row.units > 0
    result.rows.sort(key=lambda row: (-row.revenue, row.name))
    return result


def lone_sellers(*, start: datetime, end: datetime, limit: int = LONE_SELLERS_LIMIT) -> list[dict]:
    """Products with sales in one store of a distributor in [start, end) while no other store of that distributor
    sold them and at least one of them lists them (not paused), largest revenue first: two queries.

    Rows: store_id, store_name, distributor_name, product_id, product_title, units, revenue, siblings (the other
    stores listing it, none of which sold it). The conditions are per-line WHERE clauses (correlated EXISTS), so
    the GROUP BY holds plain columns only, on SQLite and PostgreSQL alike.
    """
    top = Coalesce("product__parent_id", "product_id")
    listing_top = Coalesce("stockrecord__product__parent_id", "stockrecord__product_id")
    in_siblings = dict(store__distributor_id=OuterRef("store__distributor_id"), top=OuterRef("top"))
    sold_by_sibling = (sales(start=start, end=end).annotate(top=top).filter(**in_siblings)
                       .exclude(store_id=OuterRef("store_id")))
    sibling_listings = (Listing.objects.filter(is_paused=False).annotate(top=listing_top).filter(**in_siblings)
                        .exclude(store_id=OuterRef("store_id")))
    rows = list(sales(start=start, end=end).filter(store__distributor__isnull=False).annotate(top=top)
                .filter(~Exists(sold_by_sibling), Exists(sibling_listings))
                .values("store_id", "top", distributor_id=F("store__distributor_id"), store_name=F("store__name"),
                        distributor_name=F("store__distributor__name"),
                        product_title=Coalesce("product__parent__title", "product__title"))
                .annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
                .order_by("-revenue", "product_title", "store_name")[:limit])
    listing_stores: dict[tuple[int, int], set[int]] = {}
    distributors, products = {row["distributor_id"] for row in rows}, {row["top"] for row in rows}
    for listing in (Listing.objects.filter(is_paused=False, store__distributor_id__in=distributors)
                    .annotate(top=listing_top).filter(top__in=products)
                    .values("store__distributor_id", "top", "store_id").distinct()):
        listing_stores.setdefault((listing["store__distributor_id"], listing["top"]), set()).add(listing["store_id"])
    return [{**row, "product_id": row["top"], "revenue": money(row["revenue"]),
             "siblings": len(listing_stores.get((row["distributor_id"], row["top"]), set()) - {row["store_id"]})}
            for row in rows]
