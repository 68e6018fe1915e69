"""What checkout needs of the stock ledger: the sold-out error and the shopper's name for a SKU (both defined in
`inventory.services`, which names SKUs the same way in its own messages).

Allocation itself is `inventory.services.stock_allocate`: the store's pool rows of the SKU are locked
through `lock_rows` (fixed pk order, so concurrent checkouts queue, never deadlock) and units are promised
only while enough are free, each as a ledger movement.
"""

from inventory.services import SoldOut, product_title  # noqa: F401  (checkout's error and names, re-exported)


def free_units(record) -> int:
    """Units of a SKU not yet promised, over all its locations (oscar's stock record keeps the totals)."""
    return max((record.num_in_stock or 0) - (record.num_allocated or 0), 0)
