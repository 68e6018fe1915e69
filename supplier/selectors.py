"""Catalogue queries: a supplier's own products (scoped), the distribution market, and lookup tables."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from parties.models import PartyStatus, Supplier, Warehouse
from parties.scoping import Scope, scoped
from supplier.catalogue_input import attribute_text
from supplier.models import ProductTag, ReviewEvent, ReviewState, SupplierProduct, WarehouseStock

Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

SORTS = {
    "updated": "-updated_at",
    "title": "product__title",
    "-title": "-product__title",
    "stock": "total_stock",
    "-stock": "-total_stock",
    "price": "min_wholesale",
    "-price": "-min_wholesale",
}


def category_paths() -> dict[str, object]:
    """Every category by its full path ("Tea > Green tea"), in one query."""
    by_depth_path: dict[str, str] = {}
    result = {}
    for category in Category.get_tree():
        parent_path = category.path[: -Category.steplen]
        name = f"{by_depth_path[parent_path]} > {category.name}" if parent_path in by_depth_path else category.name
        by_depth_path[category.path] = name
        result[name] = category
    return result


def product_classes() -> dict[str, object]:
    return {pc.name: pc for pc in ProductClass.objects.all()}


def product_attributes() -> dict[str, dict[str, object]]:
    """The attributes of every product class: {class name: {code: ProductAttribute}}, in one query."""
    result: dict[str, dict[str, object]] = {pc.name: {} for pc in ProductClass.objects.all()}
    for attribute in ProductAttribute.objects.select_related("product_class").order_by("code"):
        if attribute.product_class_id:
            result.setdefault(attribute.product_class.name, {})[attribute.code] = attribute
    return result


def attribute_texts(values: QuerySet) -> dict[int, dict[str, str]]:
    """{product id: {attribute code: value as text}} of the given attribute values (the product's own only)."""
    result: dict[int, dict[str, str]] = {}
    for value in values.select_related("attribute"):
        result.setdefault(value.product_id, {})[value.attribute.code] = attribute_text(value.value)
    return result


def tag_codes() -> dict[str, ProductTag]:
    return {tag.code: tag for tag in ProductTag.objects.all()}


def warehouse_codes(*, supplier: Supplier) -> dict[str, Warehouse]:
    return {w.code: w for w in Warehouse.objects.filter(supplier=supplier)}


def skus_of(*, supplier: Supplier, exclude_entry: SupplierProduct | None = None) -> set[str]:
    qs = StockRecord.objects.filter(partner_id=supplier.partner_id)
    if exclude_entry is not None:
        qs = qs.exclude(Q(product_id=exclude_entry.product_id) | Q(product__parent_id=exclude_entry.product_id))
    return set(qs.values_list("partner_sku", flat=True))


def _stock_subquery(field: str, aggregate):
    """Aggregate over the stock records of a top-level product (itself or its children).

    The product ids are a nested subquery so each side of the OR uses its own index (product pk,
    parent id); an OR across the join would scan every stock record for every row.
    """
    own = Product.objects.filter(Q(pk=OuterRef(OuterRef("product_id"))) | Q(parent_id=OuterRef(OuterRef("product_id"))))
    rows = (StockRecord.objects.filter(product_id__in=own.values("pk"))
            .order_by().values("partner_id").annotate(v=aggregate(field)).values("v"))
    return Subquery(rows[:1])


def with_figures(qs: QuerySet[SupplierProduct]) -> QuerySet[SupplierProduct]:
    """Annotate stock and price figures and join what list pages show, so a page costs a fixed query count."""
    return qs.select_related("product", "product__product_class", "supplier").annotate(
        total_stock=Coalesce(_stock_subquery("num_in_stock", Sum), Value(0), output_field=IntegerField()),
        min_wholesale=_stock_subquery("wholesale_price", Min),
        max_suggested=_stock_subquery("price", Max),
        sku_count=Coalesce(_stock_subquery("id", Count), Value(0), output_field=IntegerField()),
    ).prefetch_related("tags", Prefetch("product__categories"))


def supplier_product_list(*, scope: Scope, search: str = "", state: str = "", shelf: str = "",
                          category: str = "", sort: str = "updated") -> QuerySet[SupplierProduct]:
    qs = scoped(SupplierProduct.objects.all(), scope=scope)
    if search:
        skus = StockRecord.objects.filter(partner_sku__icontains=search)
        qs = qs.filter(Q(product__title__icontains=search) | Q(product__stockrecords__in=skus)
                       | Q(product__children__stockrecords__in=skus)).distinct()
    if state in ReviewState.values:
        qs = qs.filter(state=state)
    if shelf in {"on", "off"}:
        qs = qs.filter(on_shelf=shelf == "on")
    if category:
        qs = qs.filter(product__categories__name__icontains=category).distinct()
    return with_figures(qs).order_by(SORTS.get(sort, "-updated_at"), "-pk")


def supplier_product_detail(*, scope: Scope, pk: int) -> SupplierProduct:
    """The entry with its variants, stock records and warehouse stock; raises DoesNotExist outside scope."""
    return (scoped(SupplierProduct.objects.all(), scope=scope)
            .select_related("product", "product__product_class", "supplier")
            .prefetch_related("tags", "product__categories", "product__images",
                              Prefetch("history", queryset=ReviewEvent.objects.select_related("actor")))
            .get(pk=pk))


def variant_rows(*, entry: SupplierProduct) -> list[dict]:
    """One row per SKU of the product: the variant, its prices and its stock per warehouse."""
    product = entry.product
    variants = list(product.children.all().order_by("pk")) if product.is_parent else [product]
    records = {sr.product_id: sr for sr in StockRecord.objects.filter(
        product__in=variants, partner_id=entry.supplier.partner_id)}
    stock = {}
    # the supplier's own warehouses only: resellers' shop floors holding its SKUs are theirs to count
    for ws in WarehouseStock.objects.filter(stockrecord__in=records.values(),
                                            warehouse__supplier_id=entry.supplier_id).select_related("warehouse"):
        stock.setdefault(ws.stockrecord_id, {})[ws.warehouse.code] = ws.on_hand
    attributes = attribute_texts(ProductAttributeValue.objects.filter(product__in=variants))
    rows = []
    for variant in variants:
        record = records.get(variant.pk)
        rows.append({"product": variant, "record": record, "label": variant.title if product.is_parent else "",
                     "stock": stock.get(record.pk, {}) if record else {},
                     "attributes": attributes.get(variant.pk, {})})
    return rows


def review_queue(*, supplier_id: int | None = None) -> QuerySet[SupplierProduct]:
    qs = SupplierProduct.objects.filter(state=ReviewState.SUBMITTED)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return with_figures(qs).order_by("submitted_at", "pk")


def operator_catalogue(*, supplier_id: int | None = None, state: str = "", category: str = "",
                       search: str = "") -> QuerySet[SupplierProduct]:
    qs = scoped(SupplierProduct.objects.all(), scope=Scope.operator())
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    if state in ReviewState.values:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(product__categories__name__icontains=category).distinct()
    if search:
        qs = qs.filter(product__title__icontains=search)
    return with_figures(qs).order_by("-updated_at", "-pk")


MARKET_SORTS = {
    "margin": F("margin").desc(nulls_last=True),
    "stock": F("total_stock").desc(),
    "newest": F("approved_at").desc(nulls_last=True),
}


def on_sale(prefix: str = "") -> Q:
    """The market rule (approved, on shelf, active supplier) for a catalogue entry reached through `prefix`,
    e.g. "entry__" from a listing or "product__supplier_entry__" from a stock record."""
    return Q(**{f"{prefix}state": ReviewState.APPROVED, f"{prefix}on_shelf": True,
                f"{prefix}supplier__status": PartyStatus.ACTIVE})


def market_products(*, search: str = "", category: str = "", supplier_id: int | None = None,
                    sort: str = "-updated", min_margin: Decimal | None = None,
                    min_stock: int | None = None) -> QuerySet[SupplierProduct]:
    """What distributors may list: approved, on shelf, in stock, from an active supplier.

    Annotated `margin` (highest suggested retail − lowest wholesale); `min_margin` and `min_stock` filter in
    the query, so paging stays right. Sorts: those of SORTS, or "margin", "stock" (both highest first), "newest".
    """
    qs = with_figures(SupplierProduct.objects.filter(on_sale())).filter(total_stock__gt=0)
    qs = qs.annotate(margin=ExpressionWrapper(F("max_suggested") - F("min_wholesale"),
                                              output_field=DecimalField(max_digits=12, decimal_places=2)))
    if min_margin is not None:
        qs = qs.filter(margin__gte=min_margin)
    if min_stock is not None:
        qs = qs.filter(total_stock__gte=min_stock)
    if search:
        qs = qs.filter(product__title__icontains=search)
    if category:
        qs = qs.filter(product__categories__name__icontains=category).distinct()
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    if sort in MARKET_SORTS:
        return qs.order_by(MARKET_SORTS[sort], "-pk")
    return qs.order_by(SORTS.get(sort.lstrip("-") if sort == "-updated" else sort, "-updated_at"), "-pk")


def review_snapshots(entries) -> dict[int, dict]:
    """The reviewed content (text, category, images, price floors) of many entries in four queries.

    Entries must come from a catalogue selector (supplier and categories already loaded).
    """
    entries = list(entries)
    if not entries:
        return {}
    path_of = {category.pk: path for path, category in category_paths().items()}
    product_ids = [entry.product_id for entry in entries]
    images = defaultdict(list)
    for image in ProductImage.objects.filter(product_id__in=product_ids).order_by("display_order", "pk"):
        images[image.product_id].append(image.original.name)
    children = defaultdict(list)
    for child in Product.objects.filter(parent_id__in=product_ids).order_by("pk"):
        children[child.parent_id].append(child)
    variant_ids = product_ids + [child.pk for kids in children.values() for child in kids]
    records = {(record.product_id, record.partner_id): record
               for record in StockRecord.objects.filter(product_id__in=variant_ids)}
    snapshots = {}
    for entry in entries:
        product = entry.product
        variants = children[product.pk] if product.is_parent else [product]
        skus = {}
        for variant in variants:
            record = records.get((variant.pk, entry.supplier.partner_id))
            if record is not None:
                skus[record.partner_sku] = {"name": variant.title if product.is_parent else "",
                                            "min_retail_price": str(record.min_retail_price)}
        snapshots[entry.pk] = {
            "title": product.title,
            "description": product.description,
            "category": sorted(path_of.get(c.pk, c.name) for c in product.categories.all()),
            "images": images[product.pk],
            "variants": skus,
        }
    return snapshots
