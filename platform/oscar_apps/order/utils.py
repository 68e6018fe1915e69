"""Forked oscar order creation: each line copies its store, listing, supplier and wholesale price."""

from django.db import transaction
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderDispatcher, OrderNumberGenerator  # noqa: F401  (oscar's, unchanged)


class OrderCreator(CoreOrderCreator):
    def create_line_models(self, order, basket_line, extra_line_fields=None):
        listing = getattr(basket_line.purchase_info.price, "listing", None)
        stockrecord = basket_line.stockrecord
        from storefront.allocation import product_title

        fields = dict(extra_line_fields or {})
        fields.setdefault("title", product_title(basket_line.product))  # "Tea (50 g)", not just "50 g"
        if listing is not None:
            fields.update(store_id=listing.store_id, listing=listing)
        if stockrecord is not None:
            fields.update(wholesale_price=stockrecord.wholesale_price,
                          supplier_id=getattr(getattr(stockrecord.partner, "supplier", None), "pk", None))
        return super().create_line_models(order, basket_line, fields)

    def place_order(self, *args, allocate: bool = True, **kwargs):
        """Oscar's order, then each line's units allocated from its store's stock pool, in one transaction: a
        sold-out line leaves no order behind, whoever calls this (our checkout or oscar's own code).

        `allocate=False` is for a sale handed over at once (the shop's till), which takes its units off the
        shelf itself: nothing is promised and nothing is left to ship."""
        from storefront.services import order_allocate

        with transaction.atomic():
            order = super().place_order(*args, **kwargs)
            if allocate:
                order_allocate(order=order)
        return order

    def update_stock_records(self, line):
        """Oscar allocates on its stock record here, with an unconditional `F() + qty` after an unlocked read
        (it oversells). `place_order` allocates from the line's store pool instead, once all lines exist."""
