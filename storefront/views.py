"""Shopper-facing storefront pages: the store directory, a store's home and a product page.

Thin views: they put the store on the request, take the strategy oscar's `Selector` picks for it (so every price
and availability shown is the strategy's), and let `storefront.selectors` load the page in fixed queries.
Basket and checkout come later (`storefront.services.order_place`).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_class

from storefront import selectors
from storefront.models import StoreProfile
from supplier.models import SupplierProduct
from supplier.selectors import category_paths

Selector = get_class("partner.strategy", "Selector")


class StoreMixin:
    """Resolves `store_slug` (unknown: 404) and switches the request to the store's strategy."""

    def dispatch(self, request, *args, **kwargs):
        self.store = selectors.store_by_slug(slug=kwargs["store_slug"])
        request.store = self.store
        # oscar's BasketMiddleware picked a strategy before the store was known; the store's replaces it
        request.strategy = self.strategy = Selector().strategy(request=request, user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(store=self.store, store_open=self.store.is_open,
                       profile=StoreProfile.objects.filter(store=self.store).first())
        return context


class DirectoryView(ListView):
    """Open stores with something to sell, each linking to its storefront."""

    template_name = "storefront/directory.html"
    context_object_name = "stores"

    def get_queryset(self):
        return selectors.open_stores()


class StoreHomeView(StoreMixin, ListView):
    """The store's sellable products as cards, searchable by title and filterable by category, 24 a page."""

    template_name = "storefront/store_home.html"
    context_object_name = "entries"
    paginate_by = selectors.PAGE_SIZE

    def filters(self) -> dict:
        return {key: self.request.GET.get(key, "").strip() for key in ("q", "category")}

    def categories(self) -> dict:
        """{path: category}, once per request (an unknown path in the query string filters nothing)."""
        if not hasattr(self, "_categories"):
            self._categories = category_paths() if self.store.is_open else {}
        return self._categories

    def get_queryset(self):
        f = self.filters()
        return selectors.store_products(store=self.store, search=f["q"],
                                        category=self.categories().get(f["category"]) if f["category"] else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = selectors.with_variants(context["object_list"])
        selectors.prime_strategy(strategy=self.strategy, entries=entries)
        context.update(
            cards=selectors.product_cards(strategy=self.strategy, entries=entries),
            filters=self.filters(),
            categories=list(self.categories()),
        )
        return context


class ProductView(StoreMixin, TemplateView):
    """One product as this store sells it: each listed variant at the store's price, in stock or sold out.

    A product without a sellable listing in this store (never listed, paused, flagged, off shelf, another
    store's only, or the store closed) is a 404.
    """

    template_name = "storefront/product.html"

    def get_entry(self) -> SupplierProduct:
        entry = selectors.store_products(store=self.store).filter(pk=self.kwargs["entry_pk"]).first()
        if entry is None:
            raise Http404(_("This product is not sold in this store."))
        return entry

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        [entry] = selectors.with_variants([self.get_entry()])
        selectors.prime_strategy(strategy=self.strategy, entries=[entry])
        variants = selectors.product_variants(strategy=self.strategy, entry=entry)
        if not variants:
            raise Http404(_("This product is not sold in this store."))
        context.update(entry=entry, product=entry.product, images=list(entry.product.images.all()),
                       variants=variants)
        return context


class MarketplaceView(ListView):
    """Every open store's products on one page, each card naming the store it is sold by and its price there."""

    template_name = "storefront/marketplace.html"
    context_object_name = "rows"
    paginate_by = selectors.PAGE_SIZE

    def get_queryset(self):
        return selectors.marketplace_offers(search=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(offers=selectors.offers_for_page(context["object_list"]),
                       q=self.request.GET.get("q", "").strip())
        return context


class AboutView(StoreMixin, TemplateView):
    """The store's own page: who it is, in its own words (set in the store admin portal)."""

    template_name = "storefront/about.html"
