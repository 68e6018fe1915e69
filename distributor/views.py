"""Distributor portal pages, scoped to the distributor the user acts for."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from parties.models import PartyKind, Supplier
from parties.selectors import member_list, store_list
from portal.mixins import PortalViewMixin
from supplier import selectors as catalogue
from supplier.models import SupplierProduct


class DistributorPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.DISTRIBUTOR
    portal_title = _("Distributor portal")
    portal_nav = [
        ("distributor:home", _("Overview")),
        ("distributor:market", _("Distribution market")),
        ("distributor:store-list", _("Stores")),
        ("distributor:member-list", _("Team")),
    ]


class HomeView(DistributorPortalMixin, TemplateView):
    template_name = "distributor/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stores"] = store_list(scope=self.scope)
        context["member_count"] = member_list(scope=self.scope).count()
        return context


class StoreListView(DistributorPortalMixin, ListView):
    template_name = "distributor/store_list.html"
    context_object_name = "stores"

    def get_queryset(self):
        return store_list(scope=self.scope)


class StoreDetailView(DistributorPortalMixin, DetailView):
    template_name = "distributor/store_detail.html"
    context_object_name = "store"

    def get_object(self, queryset=None):
        return get_object_or_404(store_list(scope=self.scope), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store_members"] = member_list(scope=self.scope).filter(store=self.object)
        return context


class MemberListView(DistributorPortalMixin, ListView):
    template_name = "portal/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return member_list(scope=self.scope)


# --- Distribution market -----------------------------------------------------------------------------------
# The market is what every distributor may list: approved, on-shelf, in-stock products of active suppliers
# (catalogue.market_products). It belongs to no single party, so it is not narrowed by the distributor's scope.


def _int_or_none(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def market_suppliers():
    """Suppliers with at least one product in the market, for the supplier filter (one query)."""
    return Supplier.objects.filter(pk__in=catalogue.market_products().order_by().values("supplier_id")).order_by(
        "name")


class MarketListView(DistributorPortalMixin, ListView):
    template_name = "distributor/market_list.html"
    context_object_name = "products"
    paginate_by = 24

    def filters(self) -> dict:
        params = self.request.GET
        return {key: params.get(key, "").strip() for key in ("q", "category", "supplier")}

    def get_queryset(self):
        f = self.filters()
        return catalogue.market_products(search=f["q"], category=f["category"],
                                         supplier_id=_int_or_none(f["supplier"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for entry in context["products"]:
            entry.margin = (entry.max_suggested - entry.min_wholesale
                            if entry.max_suggested is not None and entry.min_wholesale is not None else None)
        context.update(
            filters=self.filters(),
            categories=[(category.name, path) for path, category in catalogue.category_paths().items()],
            suppliers=[(supplier.pk, supplier.name) for supplier in market_suppliers()],
        )
        return context


class MarketDetailView(DistributorPortalMixin, TemplateView):
    """One product of the market with its variants; a product not in the market is a 404."""

    template_name = "distributor/market_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            entry = catalogue.market_products().get(pk=self.kwargs["pk"])
        except SupplierProduct.DoesNotExist:
            raise Http404(_t("This product is not in the distribution market.")) from None
        rows = [row for row in catalogue.variant_rows(entry=entry) if row["record"] is not None]
        for row in rows:
            record = row["record"]
            row["margin"] = record.price - record.wholesale_price if record.price and record.wholesale_price else None
        context.update(entry=entry, product=entry.product, rows=rows, images=list(entry.product.images.all()),
                       categories=list(entry.product.categories.all()), tags=list(entry.tags.all()))
        return context
