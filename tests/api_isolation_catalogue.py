"""API isolation entries for products, variants and stock (see tests/api_helpers.py for the shape).

Keys are the full URL names (`api:<name>`); an entry may add "body": callable → the JSON body of its writes.
"""

from tests.api_helpers import demo_supplier


def _entry(slug: str) -> dict:
    from supplier.models import ReviewState, SupplierProduct

    return {"pk": SupplierProduct.objects.filter(supplier__slug=slug, state=ReviewState.APPROVED)
            .order_by("pk").first().pk}


def _stock_row(slug: str) -> dict:
    from supplier.models import WarehouseStock

    return {"pk": WarehouseStock.objects.filter(warehouse__supplier__slug=slug).order_by("pk").first().pk}


ENTRIES: dict = {
    "api:product-detail": {
        "party": demo_supplier,
        "own": lambda: _entry("green-leaf-tea"),
        "foreign": lambda: _entry("golden-grain"),
        "methods": ("get", "patch"),
        "body": lambda: {},  # a PATCH that changes nothing: 200 for its own product, 404 for another's
    },
    "api:stock-detail": {
        "party": demo_supplier,
        "own": lambda: _stock_row("green-leaf-tea"),
        "foreign": lambda: _stock_row("golden-grain"),
        "methods": ("get",),
    },
}
