"""A supplier's catalogue as import rows: the export file, the blank template, and the importer's "before" view.

Export and import share one column layout, so an exported file imported
again unchanged finds nothing to change.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from parties.models import Supplier
from supplier import selectors
from supplier.catalogue_input import ProductInput, VariantInput
from supplier.models import SupplierProduct, WarehouseStock
from supplier.spreadsheet.tables import FORMATS, columns_for, write_csv, write_xlsx

ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


@dataclass
class CurrentProduct:
    """One product of the catalogue as the spreadsheet would express it today."""

    entry_id: int
    product_id: int
    is_parent: bool
    data: ProductInput


def current_catalogue(*, supplier: Supplier) -> list[CurrentProduct]:
    """Every product of `supplier` with its variants, prices and stock, in a fixed number of queries.

    Ordered by creation (product id), variants by their own id: the order the product page lists them.
    """
    category_path = {category.pk: path for path, category in selectors.category_paths().items()}
    entries = list(SupplierProduct.objects.filter(supplier=supplier).order_by("product_id").values_list(
        "pk", "product_id", "product__structure", "product__title", "product__description",
        "product__product_class__name"))
    categories: dict[int, list[str]] = {}
    for product_id, category_id in ProductCategory.objects.filter(
            product__supplier_entry__supplier=supplier).values_list("product_id", "category_id"):
        categories.setdefault(product_id, []).append(category_path.get(category_id, ""))
    tags: dict[int, list[str]] = {}
    for entry_id, code in SupplierProduct.tags.through.objects.filter(
            supplierproduct__supplier=supplier).values_list("supplierproduct_id", "producttag__code"):
        tags.setdefault(entry_id, []).append(code)
    stock: dict[int, dict[str, int]] = {}
    for record_id, code, on_hand in WarehouseStock.objects.filter(
            stockrecord__partner_id=supplier.partner_id, warehouse__supplier=supplier).values_list(
                "stockrecord_id", "warehouse__code", "on_hand"):
        stock.setdefault(record_id, {})[code] = on_hand
    attributes = selectors.attribute_texts(ProductAttributeValue.objects.filter(
        Q(product__supplier_entry__supplier=supplier) | Q(product__parent__supplier_entry__supplier=supplier)))
    variants: dict[int, list[VariantInput]] = {}
    records = (StockRecord.objects.filter(partner_id=supplier.partner_id)
               .order_by("product_id", "pk")
               .values_list("pk", "product_id", "product__parent_id", "product__title", "partner_sku",
                            "wholesale_price", "price", "min_retail_price"))
    for record_id, product_id, parent_id, child_title, sku, wholesale, price, floor in records:
        variants.setdefault(parent_id or product_id, []).append(VariantInput(
            sku=sku, label=(child_title or "") if parent_id else "", wholesale_price=wholesale,
            suggested_retail_price=price, min_retail_price=floor, stock=stock.get(record_id, {}),
            attributes=attributes.get(product_id, {})))
    result = []
    for entry_id, product_id, structure, title, description, class_name in entries:
        data = ProductInput(title=title or "", description=description or "",
                            category=", ".join(sorted(categories.get(product_id, []))),
                            product_class=class_name or "", tags=sorted(tags.get(entry_id, [])),
                            variants=variants.get(product_id, []))
        result.append(CurrentProduct(entry_id=entry_id, product_id=product_id, is_parent=structure == "parent",
                                     data=data))
    return result


def product_rows(data: ProductInput, *, ref: str, warehouse_codes: list[str],
                 attribute_codes: list[str] = ()) -> list[list]:
    """The spreadsheet rows of one product, in the column order of `columns_for()` (codes sorted)."""
    return [[ref, data.title, data.description, data.category, data.product_class, ",".join(data.tags),
             variant.sku, variant.label, variant.wholesale_price, variant.suggested_retail_price,
             variant.min_retail_price, *(variant.stock.get(code, 0) for code in warehouse_codes),
             *(variant.attributes.get(code, "") for code in attribute_codes)]
            for variant in data.variants]


def attribute_codes_for(class_names) -> list[str]:
    """The attribute codes of these product classes, sorted: the attr: columns a file about them needs."""
    attributes = selectors.product_attributes()
    return sorted({code for name in class_names for code in attributes.get(name, {})})


def _encode(fmt: str, header: list[str], rows) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return write_csv(header=header, rows=rows) if fmt == "csv" else write_xlsx(header=header, rows=rows)


def export_catalogue(*, supplier: Supplier, fmt: str) -> bytes:
    """The supplier's whole catalogue in the import format ("csv" or "xlsx"); product_ref is the first SKU."""
    codes = sorted(selectors.warehouse_codes(supplier=supplier))
    catalogue = current_catalogue(supplier=supplier)
    attribute_codes = attribute_codes_for({product.data.product_class for product in catalogue})
    rows = (row for product in catalogue if product.data.variants
            for row in product_rows(product.data, ref=product.data.variants[0].sku, warehouse_codes=codes,
                                    attribute_codes=attribute_codes))
    return _encode(fmt, columns_for(warehouse_codes=codes, attribute_codes=attribute_codes), rows)


def import_template(*, supplier: Supplier, fmt: str) -> bytes:
    """The header for this supplier's warehouses and one example row that imports as it is."""
    codes = sorted(selectors.warehouse_codes(supplier=supplier))
    leaf_categories = sorted(path for path in selectors.category_paths() if " > " in path)
    classes = sorted(selectors.product_classes())
    tags = sorted(selectors.tag_codes())
    example = ProductInput(
        title=_("West Lake Longjing"), description=_("Spring harvest green tea from Hangzhou."),
        category="Tea > Green tea" if "Tea > Green tea" in leaf_categories or not leaf_categories
        else leaf_categories[0],
        product_class="Tea" if "Tea" in classes or not classes else classes[0],
        tags=tags[:1],
        variants=[VariantInput(sku="EXAMPLE-LJ-50G", label=_("50 g tin"), wholesale_price=Decimal("68.00"),
                               suggested_retail_price=Decimal("108.00"), min_retail_price=Decimal("88.00"),
                               stock={code: 10 for code in codes})],
    )
    used = set(SupplierProduct.objects.filter(supplier=supplier).values_list("product__product_class__name",
                                                                            flat=True).distinct())
    attribute_codes = attribute_codes_for(used | {example.product_class})
    rows = product_rows(example, ref="EXAMPLE-LJ", warehouse_codes=codes, attribute_codes=attribute_codes)
    return _encode(fmt, columns_for(warehouse_codes=codes, attribute_codes=attribute_codes), rows)


def download_filename(*, supplier: Supplier, fmt: str, template: bool = False) -> str:
    """A file name for the browser's download: `<slug>-catalogue.<fmt>` or `<slug>-import-template.<fmt>`."""
    return f"{supplier.slug}-{'import-template' if template else 'catalogue'}.{fmt}"
