"""API resource: products and their variants (SKUs).

A supplier's token lists and reads its own catalogue (prices, retail floor, stock per location) and, with write
access, changes a product's fields or a variant's prices through `supplier.services.product_update`, so the review
workflow applies as in the portal. A store's token lists what the store sells: each listed SKU with the store's price
and the free units of its pool as the storefront counts them (`inventory.selectors.available_in`).

A page costs the same few queries whatever its size: the page, then one query each for its stock records, their
stock rows (or listings and availability) and categories.
"""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from oscar.core.loading import get_model
from rest_framework import status, viewsets
from rest_framework.response import Response

from api.errors import ApiError
from api.order_serializers import moment_param
from api.permissions import SupplierToken, request_token
from api.scoping import token_scoped
from api.serializers_catalogue import ListedProductSerializer, ProductSerializer, ProductUpdateSerializer
from api.stock import no_nul
from distributor.models import Listing
from distributor.selectors import sellable_listings
from inventory.selectors import available_in
from parties.models import Warehouse
from supplier.models import SupplierProduct, WarehouseStock
from supplier.selectors import category_paths
from supplier.services import CatalogueInputError, product_patch

StockRecord = get_model("partner", "StockRecord")
ProductCategory = get_model("catalogue", "ProductCategory")

EITHER = PolymorphicProxySerializer(component_name="ProductOrListedProduct", resource_type_field_name=None,
                                   serializers=[ProductSerializer, ListedProductSerializer])
FILTERS = [
    OpenApiParameter("updated_since", str, description="ISO 8601 moment: only products changed since then."),
    OpenApiParameter("sku", str, description="Only the product that has this SKU."),
    OpenApiParameter("q", str, description="Title contains this text."),
    OpenApiParameter("page_size", int, description="Products per page (at most 500)."),
]


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _filtered(qs, request, *, sku_path: str, updated: Q):
    params = request.query_params
    no_nul(params)
    moment = moment_param(request, "updated_since")
    if moment is not None:
        qs = qs.filter(updated(moment))
    if params.get("sku"):
        qs = qs.filter(Q(**{f"{sku_path}stockrecords__partner_sku": params["sku"]})
                       | Q(**{f"{sku_path}children__stockrecords__partner_sku": params["sku"]}))
    if params.get("q"):
        qs = qs.filter(product__title__icontains=params["q"])
    return qs


def _records_of(entries) -> dict[int, list]:
    """{entry product id: [its stock records, variant order]} in one query."""
    product_ids = [entry.product_id for entry in entries]
    records: dict[int, list] = {}
    for record in (StockRecord.objects.filter(Q(product_id__in=product_ids) | Q(product__parent_id__in=product_ids))
                   .select_related("product").order_by("product_id", "pk")):
        records.setdefault(record.product.parent_id or record.product_id, []).append(record)
    return records


def supplier_rows(entries, request) -> list[dict]:
    """The supplier's products as the API shows them: three queries for the whole page."""
    records = _records_of(entries)
    record_ids = [record.pk for rows in records.values() for record in rows]
    stock: dict[int, list[dict]] = {}
    locations = token_scoped(Warehouse.objects.all(), request).values("pk")
    for row in (WarehouseStock.objects.filter(stockrecord_id__in=record_ids, warehouse_id__in=locations)
                .select_related("warehouse").order_by("warehouse__code", "pk")):
        stock.setdefault(row.stockrecord_id, []).append({
            "location": row.warehouse_id, "location_code": row.warehouse.code, "on_hand": row.on_hand,
            "allocated": row.allocated, "available": row.available})
    path_of = {category.pk: path for path, category in category_paths().items()}
    categories: dict[int, list[str]] = {}
    for product_id, category_id in ProductCategory.objects.filter(
            product_id__in=[e.product_id for e in entries]).order_by("pk").values_list("product_id", "category_id"):
        categories.setdefault(product_id, []).append(path_of.get(category_id, ""))
    return [{
        "id": entry.pk, "title": entry.product.title, "description": entry.product.description,
        "categories": categories.get(entry.product_id, []), "state": entry.state, "on_shelf": entry.on_shelf,
        "updated_at": entry.updated_at,
        "variants": [{"sku": record.partner_sku,
                      "title": record.product.title if record.product.parent_id else "",
                      "wholesale_price": _money(record.wholesale_price),
                      "suggested_retail_price": _money(record.price),
                      "retail_floor": _money(record.min_retail_price),
                      "stock": stock.get(record.pk, [])}
                     for record in records.get(entry.product_id, [])],
    } for entry in entries]


def store_rows(entries, request) -> list[dict]:
    """The store's listed products: listings, sellable ones and free units of the pool, one query each."""
    store = request_token(request).store
    entry_ids = [entry.pk for entry in entries]
    listings = list(token_scoped(Listing.objects.filter(entry_id__in=entry_ids), request)
                    .select_related("stockrecord", "stockrecord__product").order_by("stockrecord_id"))
    record_ids = [listing.stockrecord_id for listing in listings]
    sellable = set(sellable_listings(store=store).filter(pk__in=[lst.pk for lst in listings])
                   .values_list("pk", flat=True))
    free = available_in(store=store, stockrecord_ids=record_ids)
    by_entry: dict[int, list[dict]] = {}
    for listing in listings:
        record = listing.stockrecord
        by_entry.setdefault(listing.entry_id, []).append({
            "sku": record.partner_sku, "title": record.product.title if record.product.parent_id else "",
            "price": _money(listing.price), "paused": listing.is_paused, "sellable": listing.pk in sellable,
            "available": free.get(record.pk, 0)})
    return [{"id": entry.pk, "title": entry.product.title, "supplier": entry.supplier.name,
             "updated_at": entry.updated_at, "variants": by_entry.get(entry.pk, [])} for entry in entries]


class ProductViewSet(viewsets.GenericViewSet):
    """A supplier's own products, or the products a store lists."""

    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def is_supplier(self) -> bool:
        token = request_token(self.request)
        return token is not None and token.party_kind == "supplier"

    def get_serializer_class(self):
        if self.action == "partial_update":
            return ProductUpdateSerializer
        return ProductSerializer

    def get_permissions(self):
        if self.action == "partial_update":
            return [SupplierToken()]
        return super().get_permissions()

    def get_queryset(self):
        base = SupplierProduct.objects.select_related("product", "supplier")
        if self.is_supplier():
            qs = token_scoped(base, self.request)
            return _filtered(qs, self.request, sku_path="product__",
                             updated=lambda moment: Q(updated_at__gte=moment))
        listed = token_scoped(Listing.objects.all(), self.request)
        qs = base.filter(pk__in=listed.values("entry_id"))
        return _filtered(qs, self.request, sku_path="product__",
                         updated=lambda moment: Q(updated_at__gte=moment)
                         | Q(pk__in=listed.filter(updated_at__gte=moment).values("entry_id")))

    def rows(self, entries) -> list[dict]:
        return supplier_rows(entries, self.request) if self.is_supplier() else store_rows(entries, self.request)

    @extend_schema(parameters=FILTERS, responses={200: PolymorphicProxySerializer(
        component_name="ProductOrListedProduct", resource_type_field_name=None, many=True,
        serializers=[ProductSerializer, ListedProductSerializer])},
                   description="A supplier's token: its products (`ProductSerializer`). A store's token: the products "
                               "it lists, each SKU with the store's price and available units "
                               "(`ListedProduct`).")
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.rows(page))

    @extend_schema(responses={200: EITHER},
                   description="One product (see the list for the two shapes).")
    def retrieve(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.rows([entry])[0])

    @extend_schema(request=ProductUpdateSerializer, responses={200: ProductSerializer})
    def partial_update(self, request, pk=None):
        """Change a product's title, description, category, tags, or a variant's name and prices (a supplier's
        read and write token). Stock changes through /stock/bulk/."""
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        body = ProductUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            product_patch(actor=request_token(request).created_by, entry=entry, changes=body.validated_data)
        except CatalogueInputError as refused:
            details: dict[str, list[str]] = {}
            for error in refused.errors:
                key = error.column if error.variant is None else f"variants[{error.variant}].{error.column}"
                details.setdefault(key, []).append(str(error.message))
            first = next(iter(details))
            raise ApiError(f"{first}: {details[first][0]}", details=details) from None
        entry.refresh_from_db()
        return Response(self.rows([entry])[0], status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
    router.register("products", ProductViewSet, basename="product")
