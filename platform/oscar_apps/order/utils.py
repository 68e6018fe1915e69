"""Forked oscar order creation: each line copies its store, listing, supplier and wholesale price."""

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

    def update_stock_records(self, line):
        """Oscar allocates on its stock record here, with an unconditional `F() + qty` after an unlocked read
        (it oversells). Our order_place allocates each line from its store's stock pool instead, once the lines
        exist (`inventory.services.stock_allocate`), so there is nothing to do here."""
