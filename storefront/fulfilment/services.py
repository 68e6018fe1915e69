"""Fulfilment commands: a group's steps, shipping parcels (carrier, tracking number, some or all units), cancelling
before shipping, and pick waves.

Check → change → audit in one transaction. Every refusal is a ValidationError with a message that says what is
wrong, raised before anything is written, so stock is untouched. Locks: the order first (cancel, which may refund:
the payment commands lock the order too), then the group, then its stock rows (`inventory.services`), each
through `lock_rows` in pk order.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record, saved_user
from inventory.services import stock_release, stock_ship
from parties.locking import lock_rows
from parties.money import CENT
from settlement.services import maturity_refresh
from storefront.events import order_delivered_notify, order_shipped_notify, shipment_cancelled_notify
from storefront.fulfilment.models import Parcel, ParcelLine, Wave, WaveGroup
from storefront.models import FulfilmentGroup, FulfilmentLine, OrderShipping

Order = get_model("order", "Order")
Status = FulfilmentGroup.Status

FULFILMENT_NEXT = {
    Status.PENDING: {Status.PICKING, Status.PACKED, Status.SHIPPED},
    Status.PICKING: {Status.PACKED, Status.SHIPPED},
    Status.PACKED: {Status.SHIPPED},
    Status.SHIPPED: {Status.DELIVERED},
}
# Before any unit left: the group may still be cancelled (and shipped, in one parcel or several).
NOT_SHIPPED = (Status.PENDING, Status.PICKING, Status.PACKED)
ORDER_CANCELLED = "Cancelled"  # oscar's order status (settings.OSCAR_ORDER_STATUS_PIPELINE)

__all__ = ["FULFILMENT_NEXT", "fulfilment_group_move", "fulfilment_group_ship", "fulfilment_group_cancel",
           "wave_create", "wave_picked", "shipped_units"]


def _group_items(group: FulfilmentGroup) -> list[tuple[int, int, int]]:
    """(location id, stock record id, units) of every line the group ships."""
    return [(group.warehouse_id, record_id, units) for record_id, units in
            group.lines.values_list("line__stockrecord_id", "quantity")]


def shipped_units(*, group: FulfilmentGroup) -> dict[int, int]:
    """{fulfilment line id: units already in a parcel} of the group."""
    return dict(ParcelLine.objects.filter(parcel__group=group).values("fulfilment_line_id")
                .annotate(units=Sum("quantity")).values_list("fulfilment_line_id", "units"))


def _lock_group(group: FulfilmentGroup) -> FulfilmentGroup:
    locked = lock_rows(FulfilmentGroup.objects.filter(pk=group.pk))
    if not locked:
        raise ValidationError(_("This shipment no longer exists."))
    return locked[0]


def _refuse_closed(group: FulfilmentGroup) -> None:
    if group.status == Status.CANCELLED:
        raise ValidationError(_("Shipment %(ref)s was cancelled: it cannot be shipped or given a tracking number.")
                              % {"ref": _ref(group)})
    if group.status not in NOT_SHIPPED:
        raise ValidationError(_("Shipment %(ref)s was already shipped in full (%(status)s).")
                              % {"ref": _ref(group), "status": group.get_status_display().lower()})


def _ref(group: FulfilmentGroup) -> str:
    return f"{group.order.number} · {group.warehouse.code}"


def fulfilment_group_ship(*, group: FulfilmentGroup, carrier: str, tracking_number: str,
                          quantities: dict[int, int], actor, at=None) -> Parcel:
    """Ship `quantities` ({fulfilment line id: units}; lines at 0 stay behind) of the group as one parcel.

    The units leave the location's stock (`stock_ship`: off the shelf and out of the allocation). The group is
    shipped once every unit is in a parcel; until then it is packed and "partly shipped".
    """
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    return _ship(group=group, carrier=carrier, tracking_number=tracking_number, quantities=quantities, actor=actor,
                 at=at, need_tracking=True)


def _ship(*, group, carrier, tracking_number, quantities, actor, at, need_tracking: bool) -> Parcel:
    at = at or timezone.now()
    if need_tracking:
        if not carrier:
            raise ValidationError(_("Enter the carrier that takes the parcel."))
        if not tracking_number:
            raise ValidationError(_("Enter the parcel's tracking number."))
    if len(carrier) > 64 or len(tracking_number) > 64:
        raise ValidationError(_("Keep the carrier and the tracking number to 64 characters each."))
    with transaction.atomic():
        group = _lock_group(group)
        _refuse_closed(group)
        lines = {fline.pk: fline for fline in group.lines.select_related("line", "line__stockrecord")}
        shipped = shipped_units(group=group)
        wanted: dict[int, int] = {}
        for line_id, units in quantities.items():
            fline = lines.get(line_id)
            if fline is None:
                raise ValidationError(_("That item is not part of shipment %(ref)s.") % {"ref": _ref(group)})
            if units is None or units < 0:
                raise ValidationError(_("Enter 0 or more units of %(item)s.") % {"item": fline.line.title})
            left = fline.quantity - shipped.get(line_id, 0)
            if units > left:
                raise ValidationError(
                    _("You can ship at most %(left)d of %(item)s (ordered %(ordered)d, %(shipped)d already "
                      "shipped).") % {"left": left, "item": fline.line.title, "ordered": fline.quantity,
                                      "shipped": shipped.get(line_id, 0)})
            if units:
                wanted[line_id] = units
        if not wanted:
            raise ValidationError(_("Put at least one unit in the parcel."))
        parcel = Parcel.objects.create(group=group, carrier=carrier, tracking_number=tracking_number,
                                       shipped_at=at, shipped_by=saved_user(actor))
        ParcelLine.objects.bulk_create([ParcelLine(parcel=parcel, fulfilment_line_id=line_id, quantity=units)
                                        for line_id, units in sorted(wanted.items())])
        stock_ship(items=[(group.warehouse_id, lines[line_id].line.stockrecord_id, units)
                          for line_id, units in sorted(wanted.items())],
                   reason=_("Parcel %(tracking)s") % {"tracking": tracking_number or parcel.pk},
                   actor=actor, order=group.order)
        complete = all(shipped.get(pk, 0) + wanted.get(pk, 0) >= fline.quantity for pk, fline in lines.items())
        before = group.status
        if complete:
            group.status, group.shipped_at = Status.SHIPPED, at
        else:
            group.status = Status.PACKED
        group.save(update_fields=["status", "shipped_at", "updated_at"])
        audit_record(action="fulfilment.parcel_shipped", actor=actor, target=group, changes={
            "status": [before, group.status], "parcel": parcel.pk, "carrier": carrier,
            "tracking_number": tracking_number, "units": {str(pk): units for pk, units in sorted(wanted.items())}})
        order_shipped_notify(group=group, parcel=parcel)
    return parcel


def fulfilment_group_move(*, group: FulfilmentGroup, status: str, actor=None, at=None) -> FulfilmentGroup:
    """Move a shipment forward (to pick → picking → packed → shipped → delivered); never back.

    Shipped: every unit not yet in a parcel leaves as one parcel with the group's usual carrier and no tracking
    number (the demo's history; people ship with `fulfilment_group_ship`). `at` backdates the move; delivery
    starts the return window.
    """
    at = at or timezone.now()
    if status == Status.SHIPPED:
        with transaction.atomic():
            locked = _lock_group(group)
            if status not in FULFILMENT_NEXT.get(locked.status, set()):
                _refuse_move(locked, status)
            shipped = shipped_units(group=locked)
            rest = {fline.pk: fline.quantity - shipped.get(fline.pk, 0) for fline in locked.lines.all()}
            _ship(group=locked, carrier=locked.carrier, tracking_number="",
                  quantities={pk: units for pk, units in rest.items() if units > 0}, actor=actor, at=at,
                  need_tracking=False)
            locked.refresh_from_db()
        return locked
    with transaction.atomic():
        group = _lock_group(group)
        if status not in FULFILMENT_NEXT.get(group.status, set()):
            _refuse_move(group, status)
        before = group.status
        group.status = status
        fields = ["status", "updated_at"]
        if status == Status.DELIVERED:
            group.delivered_at, fields = at, [*fields, "delivered_at"]
        group.save(update_fields=fields)
        audit_record(action="fulfilment.moved", actor=actor, target=group, changes={"status": [before, status]})
        if status == Status.DELIVERED:
            maturity_refresh(order=group.order)
            order_delivered_notify(group=group)
    return group


def _refuse_move(group: FulfilmentGroup, status: str):
    if group.status == Status.CANCELLED:
        raise ValidationError(_("Shipment %(ref)s was cancelled: it cannot be %(next)s.")
                              % {"ref": _ref(group), "next": Status(status).label.lower()})
    raise ValidationError(_("A shipment that is %(current)s cannot become %(next)s.") % {
        "current": group.get_status_display().lower(), "next": Status(status).label.lower()})


def fulfilment_group_cancel(*, group: FulfilmentGroup, reason: str, actor) -> FulfilmentGroup:
    """Cancel a group before any of it shipped: its allocation goes back to stock.

    A paid order that keeps other shipments gets this one's value back (`cancelled_group_value`, refund keyed by
    the group). When every group of the order is cancelled the order is "Cancelled" and, if it was paid, what is
    left of its payment is refunded (keyed by the order, so a retry never refunds twice).
    """
    from payments.models import Payment
    from payments.selectors import order_payment
    from payments.services import payment_refund

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the shipment is cancelled."))
    with transaction.atomic():
        [order] = lock_rows(Order.objects.filter(pk=group.order_id))
        group = _lock_group(group)
        if group.status not in NOT_SHIPPED:
            raise ValidationError(_("A shipment that is %(status)s cannot be cancelled.")
                                  % {"status": group.get_status_display().lower()})
        if group.parcels.exists():
            raise ValidationError(_("Part of shipment %(ref)s already left in a parcel; it can no longer be "
                                    "cancelled.") % {"ref": _ref(group)})
        before = group.status
        stock_release(items=_group_items(group), reason=_("Cancelled: %(reason)s") % {"reason": reason[:200]},
                      actor=actor, order=order)
        group.status = Status.CANCELLED
        group.save(update_fields=["status", "updated_at"])
        WaveGroup.objects.filter(group=group, open=True).update(open=False)
        audit_record(action="fulfilment.cancelled", actor=actor, target=group,
                     changes={"status": [before, Status.CANCELLED], "reason": reason})
        maturity_refresh(order=order)
        shipment_cancelled_notify(group=group, reason=reason)
        statuses = set(FulfilmentGroup.objects.filter(order=order).values_list("status", flat=True))
        if statuses != {Status.CANCELLED}:
            _refund_cancelled_group(order=order, group=group, reason=reason, actor=actor)
        if statuses == {Status.CANCELLED}:
            payment = order_payment(order=order)
            order_before = order.status
            if ORDER_CANCELLED in order.available_statuses():
                order.set_status(ORDER_CANCELLED)
            refund = None
            if payment is None or payment.status not in Payment.RECEIVED:  # never paid: the points used come back
                from points.services import points_release

                points_release(order=order)
            if payment is not None and payment.status in (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED) \
                    and payment.refundable > 0:
                refund = payment_refund(payment=payment, amount=payment.refundable, actor=actor,
                                        key=f"order-cancel-{order.pk}",
                                        reason=_("Order %(number)s cancelled: %(reason)s")
                                        % {"number": order.number, "reason": reason})
            audit_record(action="order.cancelled", actor=actor, target=order, changes={
                "status": [order_before, order.status], "reason": reason,
                "refund": str(refund.amount) if refund is not None else None})
    return group


def cancelled_group_value(*, order, group: FulfilmentGroup) -> Decimal:
    """What the shopper paid for the units of `group`: each line's price after discounts shared out per unit
    (counted after the units of the same line in groups cancelled before, so the cents add up to the line), plus
    a store's delivery charge once none of that store's units will ship."""
    from storefront.returns.selectors import units_price

    others = FulfilmentLine.objects.filter(group__order=order, group__status=Status.CANCELLED).exclude(group=group)
    before = dict(others.values("line_id").annotate(units=Sum("quantity")).values_list("line_id", "units"))
    value = Decimal("0.00")
    for item in group.lines.select_related("line"):
        done = before.get(item.line_id, 0)
        value += units_price(item.line, done + item.quantity) - units_price(item.line, done)
    still_shipping = set(FulfilmentLine.objects.filter(group__order=order).exclude(group__status=Status.CANCELLED)
                         .values_list("line__store_id", flat=True))
    for charge in OrderShipping.objects.filter(order=order, store_id__in=group.lines.values("line__store_id")):
        if charge.store_id not in still_shipping:
            value += charge.charge
    return value.quantize(CENT)


def _refund_cancelled_group(*, order, group: FulfilmentGroup, reason: str, actor) -> None:
    """A paid order keeps other shipments: refund what this one was worth (once, keyed by the group)."""
    from payments.models import Payment
    from payments.selectors import order_payment
    from payments.services import payment_refund

    payment = order_payment(order=order)
    if payment is None or payment.status not in (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED):
        return
    from points.selectors import cash_part

    # partly paid with points: the money part comes back as money, the rest as points (with the refund)
    amount = min(cash_part(order=order, value=cancelled_group_value(order=order, group=group)), payment.refundable)
    if amount > 0:
        payment_refund(payment=payment, amount=amount, actor=actor, key=f"group-cancel-{group.pk}",
                       reason=_("Shipment %(ref)s cancelled: %(reason)s") % {"ref": _ref(group), "reason": reason})


def wave_create(*, groups, actor) -> Wave:
    """Start picking `groups` (pending groups of one location) together: they move to picking, one pick list."""
    ids = sorted({group.pk for group in groups})
    if not ids:
        raise ValidationError(_("Choose at least one order to pick."))
    with transaction.atomic():
        locked = lock_rows(FulfilmentGroup.objects.filter(pk__in=ids).select_related("order", "warehouse"))
        if len(locked) != len(ids):
            raise ValidationError(_("Some of the chosen orders no longer exist."))
        for group in locked:
            if group.status != Status.PENDING:
                raise ValidationError(_("Order %(ref)s is %(status)s, not waiting to be picked.")
                                      % {"ref": _ref(group), "status": group.get_status_display().lower()})
        locations = {group.warehouse_id for group in locked}
        if len(locations) > 1:
            raise ValidationError(_("A wave is picked in one location: choose orders of one location only "
                                    "(%(locations)s), or start one wave per location.")
                                  % {"locations": ", ".join(sorted({str(g.warehouse) for g in locked}))})
        if WaveGroup.objects.filter(group_id__in=ids, open=True).exists():
            raise ValidationError(_("Some of the chosen orders are already in a wave being picked."))
        now = timezone.now()
        wave = Wave.objects.create(code=f"new-{now.timestamp()}", location=locked[0].warehouse,
                                   created_by=saved_user(actor))
        wave.code = f"W{timezone.localtime(now):%y%m%d}-{wave.pk}"
        wave.save(update_fields=["code"])
        WaveGroup.objects.bulk_create([WaveGroup(wave=wave, group=group) for group in locked])
        FulfilmentGroup.objects.filter(pk__in=ids).update(status=Status.PICKING, updated_at=now)
        audit_record(action="wave.created", actor=actor, target=wave,
                     changes={"groups": ids, "location": wave.location.code})
    return wave


def wave_picked(*, wave: Wave, actor) -> Wave:
    """Everything on the wave's list is picked: its groups still picking move to packed; the wave closes."""
    with transaction.atomic():
        [wave] = lock_rows(Wave.objects.filter(pk=wave.pk))
        if wave.status != Wave.Status.OPEN:
            raise ValidationError(_("Wave %(code)s was already marked picked.") % {"code": wave.code})
        group_ids = list(WaveGroup.objects.filter(wave=wave).values_list("group_id", flat=True))
        moving = [group.pk for group in lock_rows(FulfilmentGroup.objects.filter(pk__in=group_ids))
                  if group.status == Status.PICKING]
        now = timezone.now()
        FulfilmentGroup.objects.filter(pk__in=moving).update(status=Status.PACKED, updated_at=now)
        WaveGroup.objects.filter(wave=wave).update(open=False)
        wave.status, wave.picked_at = Wave.Status.PICKED, now
        wave.picked_by = saved_user(actor)
        wave.save(update_fields=["status", "picked_at", "picked_by"])
        audit_record(action="wave.picked", actor=actor, target=wave, changes={"packed": moving})
    return wave

