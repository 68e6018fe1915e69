"""With 10,000 products, the supplier's product list costs the same number of queries for a page of 20 as of 100."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from parties.models import Supplier
from parties.scoping import Scope
from supplier import selectors
from supplier.models import ProductTag, SupplierProduct, WarehouseStock

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


def grow_catalogue(supplier: Supplier, count: int) -> None:
    """`count` more products with two variants each, written with bulk_create (seconds, not minutes)."""
    categories = list(selectors.category_paths().values())
    tags = list(ProductTag.objects.all())
    warehouses = list(supplier.warehouses.all())
    product_class = selectors.product_classes()["Tea"]
    parents = Product.objects.bulk_create([
        Product(structure=Product.PARENT, title=f"Bulk tea {n}", product_class=product_class, is_public=False)
        for n in range(count)])
    children = Product.objects.bulk_create([
        Product(structure=Product.CHILD, parent=parent, title=f"{size} g", is_public=False)
        for parent in parents for size in (50, 100)])
    entries = SupplierProduct.objects.bulk_create([SupplierProduct(product=p, supplier=supplier) for p in parents])
    ProductCategory.objects.bulk_create([ProductCategory(product=p, category=categories[n % len(categories)])
                                         for n, p in enumerate(parents)])
    SupplierProduct.tags.through.objects.bulk_create([
        SupplierProduct.tags.through(supplierproduct=entry, producttag=tags[n % len(tags)])
        for n, entry in enumerate(entries)])
    records = StockRecord.objects.bulk_create([
        StockRecord(product=child, partner_id=supplier.partner_id, partner_sku=f"BULKQ-{child.pk}",
                    price_currency="CNY", wholesale_price=Decimal("10.00"), price=Decimal("20.00"),
                    min_retail_price=Decimal("15.00"), num_in_stock=len(warehouses) * 3) for child in children])
    WarehouseStock.objects.bulk_create([WarehouseStock(stockrecord=record, warehouse=warehouse, on_hand=3)
                                        for record in records for warehouse in warehouses])


def page_queries(scope: Scope, per_page: int) -> tuple[int, int]:
    """(queries, rows) for rendering page 1: everything a product list row shows is touched.

    Categories by name, as the list shows them: oscar's `Category.full_name` queries the ancestors of each
    category, one query per row.
    """
    with CaptureQueriesContext(connection) as captured:
        page = Paginator(selectors.supplier_product_list(scope=scope), per_page).page(1)
        shown = [(entry.product.title, entry.get_state_display(), entry.on_shelf, entry.total_stock,
                  entry.min_wholesale, entry.max_suggested, entry.sku_count, entry.product.product_class.name,
                  [str(tag) for tag in entry.tags.all()], [c.name for c in entry.product.categories.all()],
                  entry.in_market)
                 for entry in page.object_list]
    assert all(row[0] and row[6] for row in shown)
    return len(captured), len(shown)


def rendered_page_queries(client, size: int, **filters) -> tuple[int, int]:
    """(queries, product rows) of the product list page as the supplier's browser gets it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/supplier/products/", {"size": size, **filters})
    assert response.status_code == 200
    return len(captured), len(response.context["products"])


def test_product_list_queries_do_not_grow_with_the_page_size(signed_in):
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    grow_catalogue(supplier, 10_000)
    scope = Scope(supplier_ids=frozenset({supplier.pk}))

    small, small_rows = page_queries(scope, 20)
    large, large_rows = page_queries(scope, 100)

    assert (small_rows, large_rows) == (20, 100)
    assert small == large, f"a page of 20 took {small} queries, a page of 100 took {large}"
    assert large <= 5  # count, the rows with their figures, tags, categories

    client = signed_in("supplier@demo.test")
    rendered_page_queries(client, 20)  # the first request of a session fills per-process caches
    for filters in ({}, {"sort": "-stock"}, {"q": "Bulk tea 99"}, {"state": "draft", "sort": "price"}):
        page_small, rows_small = rendered_page_queries(client, 20, **filters)
        page_large, rows_large = rendered_page_queries(client, 100, **filters)
        assert rows_small == 20 and rows_large == 100, filters
        assert page_small == page_large, f"{filters}: the page took {page_small} queries at 20, {page_large} at 100"
