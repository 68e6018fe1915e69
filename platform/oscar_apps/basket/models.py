"""Forked oscar basket: each line remembers the store it was added in.

The marketplace storefront lets one basket hold items from several stores; the same SKU bought in two stores is
two lines (the store is part of the line reference) and each is priced by its own store's strategy.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine


class Basket(AbstractBasket):
    _adding_store = None

    def add_product(self, product, quantity=1, options=None, *, store=None):
        """oscar's add, priced by `store`'s strategy and recorded on the line; returns (line, created)."""
        if store is None:
            return super().add_product(product, quantity, options)
        self._adding_store = store
        try:
            line, created = super().add_product(product, quantity, options)
        finally:
            self._adding_store = None
        if line.store_id != store.pk:
            line.store = store
            line.save(update_fields=["store"])
        return line, created

    add_product.alters_data = True
    add = add_product

    def get_stock_info(self, product, options):
        if self._adding_store is not None:
            return self.strategy.for_store(self._adding_store).fetch_for_product(product)
        return super().get_stock_info(product, options)

    def _create_line_reference(self, product, stockrecord, options):
        base = super()._create_line_reference(product, stockrecord, options)
        return f"s{self._adding_store.pk}_{base}" if self._adding_store is not None else base

    def all_lines(self):
        if self.id is None or self._lines is not None:
            return super().all_lines()
        self._lines = (self.lines.select_related("product", "product__product_class", "product__parent",
                                                 "product__parent__product_class", "stockrecord", "store",
                                                 "store__distributor", "store__supplier")
                       .prefetch_related("attributes", "product__images").order_by("pk"))
        return self._lines

    class Meta(AbstractBasket.Meta):
        pass


class Line(AbstractLine):
    store = models.ForeignKey("mp_parties.Store", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="basket_lines", verbose_name=_("store"))

    class Meta(AbstractLine.Meta):
        pass


from oscar.apps.basket.models import *  # noqa: E402,F401,F403  (oscar's fork pattern: our overrides first)
