"""What checkout needs of the stock ledger: the sold-out error and the shopper's name for a SKU.

Allocation itself is `inventory.services.stock_allocate`: the store's pool rows of the SKU are locked
through `lock_rows` (fixed pk order, so concurrent checkouts queue, never deadlock) and units are promised
only while enough are free, each as a ledger movement.
"""

from inventory.services import SoldOut  # noqa: F401  (checkout's error, re-exported where it is caught)


def product_title(product) -> str:
    """What the shopper calls it: "Listing tea (50 g)" for a variant, the title for anything else."""
    if product.parent_id and product.title:
        return f"{product.parent.title} ({product.title})"
    return product.get_title()


def free_units(record) -> int:
    """Units of a SKU not yet promised, over all its locations (oscar's stock record keeps the totals)."""
    return max((record.num_in_stock or 0) - (record.num_allocated or 0), 0)
