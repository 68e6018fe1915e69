"""Checkout commands: place an order for the basket of one store, allocate its stock, split it for shipping.

Check → do → (later: notify on commit). Everything a shopper can get wrong is checked before the order exists:
an empty basket, a price that changed since it was added (the basket takes the new price and the shopper
confirms again), more units than are free. The order, its allocation and its fulfilment groups are one
transaction: a sold-out line leaves no order and no allocation behind. Stock rows are locked by the
allocation itself (stock records in pk order, then their warehouse rows), late and in a fixed order.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from parties.models import Store, Warehouse
from storefront.allocation import SoldOut, allocate_warehouses, free_units, product_title
from storefront.models import FulfilmentGroup, FulfilmentLine

StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")


class CheckoutError(ValidationError):
    """The checkout cannot go on; the message says what the shopper should do. Nothing was written."""


class PriceChanged(CheckoutError):
    def __init__(self, changes: list[tuple[str, object, object]]):
        self.changes = changes
        super().__init__(_("Prices changed since you added these items: %(items)s. Check your basket and place "
                           "the order again.") % {"items": "; ".join(
                               f"{title} {old} → {new}" for title, old, new in changes)})


def _reprice_basket(basket) -> list[tuple[str, object, object]]:
    """Lines whose store price differs from the price they were added at; the basket takes the new price."""
    changes = []
    for line in basket.all_lines():
        current = line.unit_price_incl_tax
        if current is not None and line.price_incl_tax is not None and current != line.price_incl_tax:
            changes.append((product_title(line.product), line.price_incl_tax, current))
            line.price_incl_tax, line.price_excl_tax = current, line.unit_price_excl_tax
            line.save(update_fields=["price_incl_tax", "price_excl_tax"])
    return changes


def order_place(*, basket, store: Store, user=None, guest_email: str = "", shipping_address=None,
                order_number: str | None = None, date_placed=None):
    """Place the basket as an order of `store`; returns the order with its fulfilment groups."""
    basket.strategy = Selector().strategy(store=store)
    lines = list(basket.all_lines())
    if not lines:
        raise CheckoutError(_("Add something to your basket first."))
    strategy = basket.strategy
    not_sold = [product_title(line.product) for line in lines if strategy.listing_for(line.stockrecord) is None]
    if not_sold:
        raise CheckoutError(_("No longer sold in %(store)s: %(items)s. Remove them from your basket.") % {
            "store": store, "items": ", ".join(not_sold)})
    changes = _reprice_basket(basket)
    if changes:
        raise PriceChanged(changes)
    if user is None or not user.is_authenticated:
        if not guest_email:
            raise CheckoutError(_("Enter your e-mail address so we can send the order confirmation."))
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.stockrecord_id] += line.quantity
    with transaction.atomic():
        # A quick unlocked look first: most sold-out baskets stop here without writing anything. The real
        # guard is the conditional allocation inside OrderCreator, which locks each stock record only from
        # that moment to commit, so concurrent checkouts queue for the shortest possible time.
        records = StockRecord.objects.in_bulk(list(wanted))
        short = [product_title(line.product) for line in lines if free_units(records[line.stockrecord_id])
                 < wanted[line.stockrecord_id]]
        if short:
            raise SoldOut(sorted(set(short)))
        shipping = Free()
        charge = shipping.calculate(basket)
        total = OrderTotalCalculator().calculate(basket, charge)
        extra = {"guest_email": guest_email} if guest_email and not getattr(user, "is_authenticated", False) else {}
        if date_placed is not None:
            extra["date_placed"] = date_placed
        order = OrderCreator().place_order(
            basket=basket, total=total, shipping_method=shipping, shipping_charge=charge,
            user=user if getattr(user, "is_authenticated", False) else None, shipping_address=shipping_address,
            order_number=order_number or OrderNumberGenerator().order_number(basket), **extra)
        _split_for_shipping(order)
        basket.submit()
    return order


def _split_for_shipping(order) -> None:
    """One fulfilment group per warehouse that ships; each line's units drawn from its supplier's warehouses."""
    groups: dict[int, FulfilmentGroup] = {}
    warehouses = {}
    for line in order.lines.order_by("stockrecord_id", "pk"):
        for warehouse_id, units in allocate_warehouses(record_id=line.stockrecord_id, quantity=line.quantity):
            if warehouse_id not in groups:
                warehouse = warehouses.get(warehouse_id) or Warehouse.objects.get(pk=warehouse_id)
                groups[warehouse_id] = FulfilmentGroup.objects.create(order=order, warehouse=warehouse,
                                                                      supplier_id=warehouse.supplier_id)
            FulfilmentLine.objects.create(group=groups[warehouse_id], line=line, quantity=units)
