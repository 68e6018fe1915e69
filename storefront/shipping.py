"""Delivery charges: each store in the basket charges by its own rule (flat rate, free from a threshold).

One oscar shipping method for the whole basket whose charge is the sum of the stores' charges, so oscar's
totals, order and dashboard work unchanged; `store_charges` gives the breakdown the order keeps per store.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices
from oscar.core.loading import get_class

from storefront.models import ShippingRule

ZERO = Decimal("0.00")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")


@dataclass
class StoreCharge:
    store: object
    items_total: Decimal  # the store's lines after discounts
    charge: Decimal
    free_over: Decimal | None

    @property
    def short_of_free(self) -> Decimal | None:
        """How much more of this store's items would make delivery free (None: it is free, or never is)."""
        if self.free_over is None or self.charge == ZERO:
            return None
        return self.free_over - self.items_total


def store_charges(basket) -> list[StoreCharge]:
    """The delivery charge of each store with lines in the basket, in the order the stores first appear."""
    totals: dict[int, list] = {}
    for line in basket.all_lines():
        store = line.store
        if store is None:
            continue
        entry = totals.setdefault(store.pk, [store, ZERO])
        entry[1] += line.line_price_incl_tax_incl_discounts or ZERO
    rules = {rule.store_id: rule for rule in ShippingRule.objects.filter(store_id__in=list(totals))}
    charges = []
    for store_pk, (store, items_total) in totals.items():
        rule = rules.get(store_pk)
        rate = rule.flat_rate if rule else ZERO
        free_over = rule.free_over if rule else None
        free = rate == ZERO or (free_over is not None and items_total >= free_over)
        charges.append(StoreCharge(store=store, items_total=items_total, charge=ZERO if free else rate,
                                   free_over=free_over))
    return charges


class StoreRules(Base):
    """Standard delivery: every store's own rule, summed."""

    code = "store-rules"
    name = _("Standard delivery")

    def __init__(self, charges: list[StoreCharge] | None = None):
        self._charges = charges

    def charges(self, basket) -> list[StoreCharge]:
        if self._charges is None:
            self._charges = store_charges(basket)
        return self._charges

    def calculate(self, basket):
        total = sum((charge.charge for charge in self.charges(basket)), ZERO)
        return prices.Price(currency=basket.currency, excl_tax=total, incl_tax=total)

    def totals(self, basket):
        """(delivery charge, order total) as oscar computes them: what the basket page shows and the order keeps."""
        charge = self.calculate(basket)
        return charge, OrderTotalCalculator().calculate(basket, charge)
