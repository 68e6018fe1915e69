"""In-shop sale: a physical shop rings up what a customer takes away and is paid at the till.

`instore_sale_create` checks every line first (sold in the shop at its own sellable listing price, a quantity of
at least 1, enough free units on the shop's own stock locations, the cash received covering the total) and
writes nothing if one is wrong. Then, in one transaction: the shop's stock rows are locked (pk order), a real
oscar order is written through the store's strategy and our `OrderCreator` (lines carry store, listing,
supplier and wholesale price like any order; no delivery), its payment is recorded paid with the in-shop method
(`payments.services.payment_record_in_shop`, so settlement treats it like any other paid order), the units leave
the shop floor as SALE movements referencing the order, the order is "Completed" (handed over) and the sale is
audited.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.apps.shipping.methods import NoShippingRequired
from oscar.core import prices
from oscar.core.loading import get_class, get_model

from audit.services import audit_record, saved_user
from distributor.selectors import sellable_listings
from inventory.models import MovementKind
from inventory.selectors import store_locations
from inventory.services import Move, sku_title, stock_moves_apply, stock_rows_lock, units_drawn
from parties.models import Store
from parties.money import CENT
from payments.services import payment_record_in_shop
from storefront.instore.models import InStoreSale
from storefront.models import OrderShipping

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")

ORDER_PREFIX = "POS-"
COMPLETED = "Completed"
METHOD_CODES = {InStoreSale.Method.CASH: "instore_cash", InStoreSale.Method.CARD: "instore_card"}
ZERO = Decimal("0.00")

__all__ = ["instore_sale_create", "sale_priced_lines", "PricedLine", "ORDER_PREFIX"]


@dataclass
class PricedLine:
    """One line of a ticket as the till prices it: the shop's sellable listing and the quantity."""

    listing: object
    quantity: int

    @property
    def stockrecord(self):
        return self.listing.stockrecord

    @property
    def title(self) -> str:
        return sku_title(self.listing.stockrecord)

    @property
    def sku(self) -> str:
        return self.listing.stockrecord.partner_sku

    @property
    def unit_price(self) -> Decimal:
        return self.listing.price

    @property
    def line_total(self) -> Decimal:
        return (self.listing.price * self.quantity).quantize(CENT)


def _check_shop(store: Store) -> None:
    if store.channel != Store.Channel.OFFLINE:
        raise ValidationError(_("%(store)s is an online shop: only physical shops ring up sales here.")
                              % {"store": store})


def sale_priced_lines(*, store: Store, items: list[tuple[int, int]]) -> list[PricedLine]:
    """The ticket's lines at the shop's own prices (the same SKU twice adds up); refuses an unlisted SKU or a
    quantity below 1 with a message naming the item. Stock is not looked at here."""
    _check_shop(store)
    if not items:
        raise ValidationError(_("Add at least one item to the sale."))
    wanted: dict[int, int] = defaultdict(int)
    order: list[int] = []
    for record_id, quantity in items:
        if record_id not in wanted:
            order.append(record_id)
        wanted[record_id] += quantity if isinstance(quantity, int) else 0
    listings = {listing.stockrecord_id: listing for listing in sellable_listings(store=store)
                .filter(stockrecord_id__in=order)
                .select_related("stockrecord", "stockrecord__product", "stockrecord__product__parent")}
    problems = []
    for record_id in order:
        listing = listings.get(record_id)
        if listing is None:
            record = StockRecord.objects.filter(pk=record_id).select_related("product", "product__parent").first()
            name = f"{sku_title(record)} ({record.partner_sku})" if record else _("item #%(id)s") % {"id": record_id}
            problems.append(_("%(item)s is not sold in %(store)s") % {"item": name, "store": store})
        elif wanted[record_id] < 1:
            problems.append(_("enter a quantity of at least 1 for %(item)s") % {"item": sku_title(listing.stockrecord)})
    if problems:
        raise ValidationError(_("Sale refused: %(problems)s.") % {"problems": "; ".join(problems)})
    return [PricedLine(listing=listings[record_id], quantity=wanted[record_id]) for record_id in order]


def _method(payment_method: str) -> str:
    if payment_method in METHOD_CODES:
        return payment_method
    reverse = {code: method for method, code in METHOD_CODES.items()}
    if payment_method in reverse:
        return reverse[payment_method]
    raise ValidationError(_("Choose cash or card as the payment taken in the shop."))


def instore_sale_create(*, store: Store, items: list[tuple[int, int]], payment_method: str,
                        tendered: Decimal | None = None, terminal_reference: str = "", actor) -> InStoreSale:
    """Ring up `items` ([(stock record id, quantity)]) in the physical shop `store`, paid at the till by
    `payment_method` ("cash" with the cash `tendered`, or "card"); returns the sale (its order, payment, change).

    Refused with a message, and nothing written, when the shop is online, an item is not sold there, a quantity is
    below 1, the shop's own locations have fewer units free than sold, or the cash received is less than the total.
    """
    if isinstance(tendered, float):
        raise TypeError("money is Decimal, never float")
    method = _method(payment_method)
    lines = sale_priced_lines(store=store, items=items)
    total = sum((line.line_total for line in lines), ZERO).quantize(CENT)
    terminal_reference = (terminal_reference or "").strip()[:64]
    change = ZERO
    if method == InStoreSale.Method.CASH:
        if tendered is None:
            raise ValidationError(_("Enter the cash received."))
        tendered = tendered.quantize(CENT)
        if tendered < total:
            raise ValidationError(_("The cash received (%(tendered)s) is less than the total (%(total)s).")
                                  % {"tendered": tendered, "total": total})
        change = tendered - total
        terminal_reference = ""
    else:
        tendered = None
    locations = list(store_locations(store=store))
    if not locations:
        raise ValidationError(_("%(store)s has no stock location of its own to sell from.") % {"store": store})
    with transaction.atomic():
        rows = stock_rows_lock(pairs={(location.pk, line.stockrecord.pk) for location in locations for line in lines})
        draws: list[tuple[object, int]] = []  # (locked row, units) in location order
        short = []
        for line in lines:
            shelves = [rows[(location.pk, line.stockrecord.pk)] for location in locations
                       if (location.pk, line.stockrecord.pk) in rows]
            drawn, left = units_drawn(rows=shelves, quantity=line.quantity)
            if left:
                short.append(_("only %(free)d of %(item)s free in the shop")
                             % {"free": line.quantity - left, "item": line.title})
                continue
            draws += drawn
        if short:
            raise ValidationError(_("Sale refused, stock unchanged: %(problems)s.")
                                  % {"problems": "; ".join(short)})

        basket = Basket.objects.create()
        basket.strategy = Selector().strategy(store=store)
        for line in lines:
            basket.add_product(line.stockrecord.product, line.quantity, store=store)
        if basket.total_incl_tax != total:  # a listing changed since pricing: let the till look again
            raise ValidationError(_("A price changed while ringing up; check the ticket and complete it again."))
        currency = store.currency
        zero = prices.Price(currency=currency, excl_tax=ZERO, incl_tax=ZERO)
        order = OrderCreator().place_order(
            basket=basket, total=prices.Price(currency=currency, excl_tax=basket.total_excl_tax, incl_tax=total),
            shipping_method=NoShippingRequired(), shipping_charge=zero, user=None,
            order_number=f"{ORDER_PREFIX}{100000 + basket.pk}", allocate=False)  # the SALE moves below take the units
        basket.submit()
        OrderShipping.objects.create(order=order, store=store, charge=ZERO, items_total=total)
        payment = payment_record_in_shop(order=order, method_code=METHOD_CODES[method], actor=actor)
        order.refresh_from_db()
        order.set_status(COMPLETED)  # paid and handed over at the till
        stock_moves_apply(moves=[Move(stock=row, kind=MovementKind.SALE, on_hand=-units, reference=order.number,
                                      reason=_("Sold in the shop")) for row, units in draws],
                          actor=actor, order=order)
        sale = InStoreSale.objects.create(order=order, store=store, payment=payment, method=method,
                                          tendered=tendered, change=change, terminal_reference=terminal_reference,
                                          staff=saved_user(actor))
        audit_record(action="instore.sale", actor=actor, target=order,
                     changes={"store": store.slug, "total": str(total), "method": method,
                              "tendered": str(tendered) if tendered is not None else None, "change": str(change),
                              "lines": {line.sku: line.quantity for line in lines}})
    return sale
