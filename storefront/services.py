"""Shopping commands: fill the basket, place it as one order (lines of any stores), allocate its stock, split it
for shipping; a store's delivery rule and profile; a shipment's next step.

Check → do → notify on commit. Everything a shopper can get wrong is checked before the order exists: an
empty basket, a price that changed since it was added (the basket takes the new price and the shopper confirms
again), a total other than the one shown, more units than are free. The order, its allocation and its
fulfilment groups are one transaction: a sold-out line leaves no order and no allocation behind. Stock rows are
locked by the allocation itself (`inventory.services.stock_allocate`: the store's pool rows of each SKU, in pk
order), late and in a fixed order.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from audit.services import audit_record
from inventory.selectors import available_in
from inventory.services import stock_allocate
from parties.models import Store, Warehouse
from parties.money import CENT
from points.services import points_redeem, points_use_check
from storefront.allocation import SoldOut, product_title
from storefront.emails import send_order_confirmation
from storefront.events import order_placed_notify
from storefront.models import FulfilmentGroup, FulfilmentLine, OrderShipping, ShippingRule, StoreProfile
from storefront.shipping import StoreRules

Selector = get_class("partner.strategy", "Selector")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
Applicator = get_class("offer.applicator", "Applicator")


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


def _not_sold(basket, lines) -> list[str]:
    """The lines no store sells any more: without a store, or not (or no longer) sold in theirs."""
    titles = []
    for line in lines:
        if line.store_id is None:
            titles.append(product_title(line.product))
        elif not line.store.is_open or basket.strategy.for_store(line.store).listing_for(line.stockrecord) is None:
            titles.append(_("%(item)s in %(store)s") % {"item": product_title(line.product), "store": line.store})
    return titles


def order_place(*, basket, store: Store | None = None, user=None, guest_email: str = "", shipping_address=None,
                payment_method: str = "offline", order_number: str | None = None, date_placed=None,
                notify: bool = True, expected_total: Decimal | None = None, points: int = 0):
    """Place the basket as one order (its lines may come from several stores); returns the order.

    Each line is priced by the store it was added in (`store`: the store of lines added without one). The
    order gets one delivery charge per store, one fulfilment group per shipping warehouse and a payment of
    `payment_method` waiting to be paid. The shopper is e-mailed once the order commits (`notify`).
    `expected_total`: the total the shopper was shown; any other total (a promotion ended, a delivery charge
    changed) is refused so they can look again. `points`: the signed-in shopper's points to pay part of it with
    (within their balance and the cap, see `points.services.points_redeem`); the order total stays the goods'
    value and its payment asks for the rest.
    """
    from payments.registry import get_method
    from payments.services import payment_start

    basket.strategy = Selector().strategy(store=store)
    lines = list(basket.all_lines())
    if not lines:
        raise CheckoutError(_("Add something to your basket first."))
    if store is not None:  # lines added without a store are bought in `store`: its delivery rule applies too
        loose = [line for line in lines if line.store_id is None]
        for line in loose:
            line.store = store
        type(lines[0]).objects.bulk_update(loose, ["store"])
    get_method(payment_method)  # an unknown or switched-off method is refused before anything is written
    not_sold = _not_sold(basket, lines)
    if not_sold:
        raise CheckoutError(_("No longer sold: %(items)s. Remove them from your basket.") % {
            "items": ", ".join(not_sold)})
    changes = _reprice_basket(basket)
    if changes:
        raise PriceChanged(changes)
    if user is None or not user.is_authenticated:
        user = AnonymousUser()  # what oscar's offers and vouchers expect of a guest
        if not guest_email:
            raise CheckoutError(_("Enter your e-mail address so we can send the order confirmation."))
    if shipping_address is None:
        raise CheckoutError(_("Enter the delivery address."))
    try:
        points_use_check(user=user, points=points)  # the rest (balance, cap) once the order exists
    except ValidationError as error:
        raise CheckoutError(error.messages) from error
    Applicator().apply(basket, user, None)
    with transaction.atomic():
        # A quick unlocked look first: most sold-out baskets stop here without writing anything. The real
        # guard is the allocation after the lines exist, which locks the pool's stock rows only from that
        # moment to commit, so concurrent checkouts queue for the shortest possible time.
        short = _short_lines(lines)
        if short:
            raise SoldOut(short)
        shipping = StoreRules()
        charge, total = shipping.totals(basket)
        if expected_total is not None and total.incl_tax != expected_total:
            raise CheckoutError(_("Your total is now %(total)s, not the %(shown)s shown (a promotion or a delivery "
                                  "charge changed). Check it and place the order again.") % {
                                      "total": total.incl_tax, "shown": expected_total})
        extra = {} if user.is_authenticated else {"guest_email": guest_email}
        if date_placed is not None:
            extra["date_placed"] = date_placed
        if not shipping_address.pk:
            shipping_address.save()
        try:
            _analytics_records_ensure(lines)
            order = OrderCreator().place_order(
                basket=basket, total=total, shipping_method=shipping, shipping_charge=charge, user=user,
                shipping_address=shipping_address,
                order_number=order_number or OrderNumberGenerator().order_number(basket), **extra)
        except ValueError as error:  # oscar's voucher check: used up, or not for this customer
            raise CheckoutError(str(error)) from error
        OrderShipping.objects.bulk_create([
            OrderShipping(order=order, store=item.store, charge=item.charge, items_total=item.items_total)
            for item in shipping.charges(basket)])
        if points:
            try:
                points_redeem(user=user, order=order, points=points)
            except ValidationError as error:  # more than the balance or the cap: the order is rolled back
                raise CheckoutError(error.messages) from error
        payment_start(order=order, method_code=payment_method)
        order_placed_notify(order=order)
        basket.submit()
        if notify:
            language = get_language()
            transaction.on_commit(lambda: send_order_confirmation(order.pk, language))
    return order


def _analytics_records_ensure(lines) -> None:
    """Oscar's order_placed receiver creates a product's sales counter without a savepoint; when two first sales
    of a product race on PostgreSQL its IntegrityError aborts the checkout's transaction. Creating the missing
    counters here first (get_or_create retries inside its own savepoint) leaves it only updates to do."""
    ProductRecord = get_model("analytics", "ProductRecord")
    wanted = {line.product_id for line in lines if line.product_id}
    have = set(ProductRecord.objects.filter(product_id__in=wanted).values_list("product_id", flat=True))
    for product_id in sorted(wanted - have):
        ProductRecord.objects.get_or_create(product_id=product_id)


def _short_lines(lines) -> list[str]:
    """Titles of the basket lines wanting more units than their store's pool has free (unlocked look)."""
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        wanted[(line.store_id, line.stockrecord_id)] += line.quantity
    free: dict[tuple[int, int], int] = {}
    stores = {line.store_id: line.store for line in lines}
    for store_id, store in stores.items():
        records = [record_id for (line_store, record_id) in wanted if line_store == store_id]
        for record_id, units in available_in(store=store, stockrecord_ids=records).items():
            free[(store_id, record_id)] = units
    return sorted({product_title(line.product) for line in lines
                   if free.get((line.store_id, line.stockrecord_id), 0) < wanted[(line.store_id, line.stockrecord_id)]})


def order_allocate(*, order) -> None:
    """Allocate each line from its store's pool; one fulfilment group per location that ships.

    Called by our `OrderCreator.place_order` inside the order's transaction. Lines are taken in stock record
    order, so two orders lock the same SKUs' rows in the same order and queue rather than deadlock.
    """
    groups: dict[int, FulfilmentGroup] = {}
    for line in order.lines.select_related("store", "stockrecord__product__parent").order_by("stockrecord_id", "pk"):
        if line.store is None or line.stockrecord is None:
            raise SoldOut([line.title])
        for warehouse_id, units in stock_allocate(store=line.store, stockrecord=line.stockrecord,
                                                  quantity=line.quantity, order=order):
            if warehouse_id not in groups:
                location = Warehouse.objects.get(pk=warehouse_id)
                groups[warehouse_id] = FulfilmentGroup.objects.create(
                    order=order, warehouse=location, supplier_id=location.supplier_id,
                    carrier=_default_carrier(line.store))
            FulfilmentLine.objects.create(group=groups[warehouse_id], line=line, quantity=units)


def _default_carrier(store: Store) -> str:
    rule = ShippingRule.objects.filter(store=store).only("carrier").first()
    return rule.carrier if rule else ""


def _line_quantity(basket, *, store, stockrecord) -> int:
    return sum(line.quantity for line in basket.all_lines()
               if line.stockrecord_id == stockrecord.pk and line.store_id == store.pk)


def basket_add(*, basket, store: Store, product, quantity: int):
    """Put `quantity` of `product` (a sellable SKU) from `store` into the basket; returns the basket line.

    Refused, with nothing changed, when the quantity is below 1, the store is closed, the SKU is not sold
    there, or the basket would then hold more than is free to sell.
    """
    if quantity < 1:
        raise CheckoutError(_("Choose a quantity of at least 1."))
    if not store.is_open:
        raise CheckoutError(_("%(store)s is closed and takes no orders at the moment.") % {"store": store})
    info = basket.strategy.for_store(store).fetch_for_product(product)
    title = product_title(product)
    if not info.price.exists or info.stockrecord is None:
        raise CheckoutError(_("%(item)s is not sold in %(store)s.") % {"item": title, "store": store})
    wanted = _line_quantity(basket, store=store, stockrecord=info.stockrecord) + quantity
    _check_quantity(basket, info=info, title=title, wanted=wanted, adding=quantity)
    line, _created = basket.add_product(product, quantity, store=store)
    return line


def _check_quantity(basket, *, info, title: str, wanted: int, adding: int) -> None:
    allowed, message = basket.is_quantity_allowed(adding)
    if not allowed:
        raise CheckoutError(message)
    allowed, message = info.availability.is_purchase_permitted(wanted)
    if not allowed:
        raise CheckoutError(_("%(item)s: %(reason)s") % {"item": title, "reason": message})


def basket_line_quantity_set(*, basket, line_id: int, quantity: int) -> None:
    """Change a basket line's quantity (0 removes it); refused beyond what is free to sell, or below 0."""
    line = next((line for line in basket.all_lines() if line.pk == line_id), None)
    if line is None:
        raise CheckoutError(_("That item is no longer in your basket."))
    if quantity < 0:
        raise CheckoutError(_("Choose a quantity of 0 or more (0 removes the item)."))
    if quantity == 0:
        line.delete()
    else:
        if quantity > line.quantity:
            _check_quantity(basket, info=line.purchase_info, title=product_title(line.product), wanted=quantity,
                            adding=quantity - line.quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    basket.reset_offer_applications()


def shipping_rule_set(*, store: Store, flat_rate: Decimal, free_over: Decimal | None, actor) -> ShippingRule:
    """Set how `store` charges delivery: a flat rate per order, free from `free_over` (None: never free)."""
    if flat_rate < 0:
        raise ValidationError(_("The flat rate cannot be negative."))
    if free_over is not None and free_over <= 0:
        raise ValidationError(_("Free delivery needs a threshold above zero, or leave it empty."))
    flat_rate = flat_rate.quantize(CENT)
    free_over = free_over.quantize(CENT) if free_over is not None else None
    with transaction.atomic():
        rule, _created = ShippingRule.objects.update_or_create(
            store=store, defaults={"flat_rate": flat_rate, "free_over": free_over})
        audit_record(action="store.shipping_rule_set", actor=actor, target=store,
                     changes={"flat_rate": str(flat_rate), "free_over": str(free_over) if free_over else None})
    return rule


PROFILE_IMAGE_MAX_BYTES = 2 * 1024 * 1024


def store_profile_update(*, store: Store, tagline: str, about: str, logo=None, banner=None,
                         remove_logo: bool = False, remove_banner: bool = False, actor) -> StoreProfile:
    """Change how the store presents itself; images (already checked to be images by the form) up to 2 MB."""
    problems = {}
    for field, upload in (("logo", logo), ("banner", banner)):
        if upload is not None and upload.size > PROFILE_IMAGE_MAX_BYTES:
            problems[field] = _("The image is larger than 2 MB; upload a smaller one.")
    if len(tagline) > 140:
        problems["tagline"] = _("Keep the tagline to 140 characters.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        profile, _created = StoreProfile.objects.get_or_create(store=store)
        profile.tagline, profile.about = tagline.strip(), about.strip()
        for field, upload, remove in (("logo", logo, remove_logo), ("banner", banner, remove_banner)):
            if upload is not None:
                setattr(profile, field, upload)
            elif remove:
                setattr(profile, field, "")
        profile.save()
        audit_record(action="store.profile_updated", actor=actor, target=store,
                     changes={"tagline": profile.tagline, "logo": bool(profile.logo), "banner": bool(profile.banner)})
    return profile
