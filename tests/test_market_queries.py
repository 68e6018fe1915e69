"""With 10,000 products in the distribution market, the market page costs the same number of queries whatever
page, page size or filter the distributor picks."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from parties.models import Supplier
from supplier import selectors
from supplier.models import ProductTag, ReviewState, SupplierProduct

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

MARKET_PRODUCTS = 10_000
URL = "/distributor/market/"


def grow_market(count: int) -> tuple[list, list]:
    """`count` approved, on-shelf, in-stock products spread over the demo suppliers, written with bulk_create.

    Every tenth product has two variants (a parent and two children), the others stand alone; wholesale,
    suggested price and stock vary so margin and stock filters split them. Product n belongs to supplier
    n mod 3 and category n mod (number of categories); returns (suppliers, categories) in that order.
    """
    now = timezone.now()
    suppliers = list(Supplier.objects.order_by("pk"))
    categories = list(selectors.category_paths().values())
    tags = list(ProductTag.objects.all())
    product_class = selectors.product_classes()["Tea"]
    tops = Product.objects.bulk_create([
        Product(structure=Product.PARENT if n % 10 == 0 else Product.STANDALONE, title=f"Market tea {n}",
                product_class=product_class, is_public=True) for n in range(count)], batch_size=2000)
    children = Product.objects.bulk_create([
        Product(structure=Product.CHILD, parent=top, title=f"{size} g", is_public=True)
        for top in tops if top.structure == Product.PARENT for size in (50, 100)], batch_size=2000)
    entries = SupplierProduct.objects.bulk_create([
        SupplierProduct(product=top, supplier=suppliers[n % len(suppliers)], state=ReviewState.APPROVED,
                        on_shelf=True, approved_at=now - timedelta(minutes=n))
        for n, top in enumerate(tops)], batch_size=2000)
    ProductCategory.objects.bulk_create([ProductCategory(product=top, category=categories[n % len(categories)])
                                         for n, top in enumerate(tops)], batch_size=2000)
    SupplierProduct.tags.through.objects.bulk_create([
        SupplierProduct.tags.through(supplierproduct=entry, producttag=tags[n % len(tags)])
        for n, entry in enumerate(entries)], batch_size=2000)
    partner_of = {entry.product_id: entry.supplier.partner_id for entry in entries}
    sellable = [top for top in tops if top.structure == Product.STANDALONE] + children
    records = []
    for n, product in enumerate(sellable):
        wholesale = Decimal(10 + n % 50)
        records.append(StockRecord(
            product=product, partner_id=partner_of[product.parent_id or product.pk], partner_sku=f"MKT-{product.pk}",
            price_currency="CNY", wholesale_price=wholesale, price=wholesale * (1 + Decimal(n % 4) / 4 + 1),
            min_retail_price=wholesale * Decimal("1.1"), num_in_stock=1 + n % 20))
    StockRecord.objects.bulk_create(records, batch_size=2000)
    return suppliers, categories


def rendered(client, **params):
    """(queries, response context) of the market page as the distributor's browser gets it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200, params
    return len(captured), response.context


def test_market_page_queries_do_not_grow_with_page_size_or_filters(signed_in):
    suppliers, categories = grow_market(MARKET_PRODUCTS)
    client = signed_in("distributor@demo.test")
    rendered(client)  # the first request of a session fills per-process caches

    queries, context = rendered(client)
    paginator = context["paginator"]
    assert paginator.count >= MARKET_PRODUCTS
    assert len(context["products"]) == paginator.per_page
    assert context.get("sorts"), "the market page offers sorts"

    supplier, category = suppliers[1], categories[1].name  # product 1, 13, 25...: hundreds of them
    variants = [
        {"page": 2},
        {"page": "last"},
        {"q": "Market tea 12"},
        {"category": category},
        {"supplier": supplier.pk},
        {"q": "Market tea", "category": category, "supplier": supplier.pk, "page": 3},
        {"min_margin": "20"},
        {"min_stock": "10"},
        {"min_margin": "15", "min_stock": "5", "supplier": supplier.pk, "page": 2},
        {"min_margin": "not a number"},  # a mistyped filter is shown as an error, the list stays
    ]
    sorts = [value for value, _label in context.get("sorts") or []]
    variants += [{"sort": sort} for sort in sorts] + [{"sort": sort, "page": 2, "min_stock": "3"} for sort in sorts]
    sizes = [value for value, _label in context.get("page_sizes") or []]  # should the page offer sizes
    variants += [{"size": size} for size in sizes] + [{"size": size, "page": 2} for size in sizes]
    for params in variants:
        count, variant_context = rendered(client, **params)
        assert count == queries, f"{params}: {count} queries, the first page took {queries}"
        page = variant_context["page_obj"]
        if page.has_next():  # a full page
            assert len(variant_context["products"]) == page.paginator.per_page, params
        if set(params) - {"page", "sort", "size"} and "not a number" not in params.values():
            assert 0 < page.paginator.count < paginator.count, f"{params} filters the market"
