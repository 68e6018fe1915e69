"""In-shop sale queries: the till's search over the shop's sellable listings, and a sale's receipt (scoped)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from distributor.selectors import sellable_listings
from parties.scoping import Scope, scoped
from storefront.instore.models import InStoreSale

SEARCH_LIMIT = 20


def till_listings(*, store) -> QuerySet:
    return (sellable_listings(store=store)
            .select_related("stockrecord", "stockrecord__product", "stockrecord__product__parent"))


def till_exact(*, store, code: str):
    """The shop's sellable listing whose SKU (or the product's UPC, the barcode) is exactly `code`, or None."""
    code = (code or "").strip()
    if not code:
        return None
    return (till_listings(store=store)
            .filter(Q(stockrecord__partner_sku__iexact=code) | Q(stockrecord__product__upc__iexact=code))
            .order_by("pk").first())


def till_search(*, store, text: str) -> list:
    """Up to SEARCH_LIMIT sellable listings of the shop whose title (or its product's) or SKU contains `text`."""
    text = (text or "").strip()
    if not text:
        return []
    condition = (Q(stockrecord__product__title__icontains=text)
                 | Q(stockrecord__product__parent__title__icontains=text)
                 | Q(stockrecord__partner_sku__icontains=text))
    return list(till_listings(store=store).filter(condition).order_by("stockrecord__partner_sku")[:SEARCH_LIMIT])


def instore_sale_in_scope(*, scope: Scope, number: str) -> InStoreSale:
    """One sale (by its order number) of a shop the scope reaches, with what its receipt shows; else 404."""
    qs = (scoped(InStoreSale.objects.all(), scope=scope)
          .select_related("order", "store", "payment", "staff")
          .prefetch_related("order__lines"))
    return get_object_or_404(qs, order__number=number)
