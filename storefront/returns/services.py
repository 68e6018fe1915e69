"""After-sales commands: a shopper asks to return lines of a paid, delivered order; the store decides; the
refund goes through the payment registry: at once for a refund-only request (the shopper keeps the goods), and
for a return once the goods arrived and were inspected (`return_request_receive`: each line restocked or
written off on the stock ledger, then refunded).

Check → change → audit in one transaction; e-mails only after it commits. Everything a shopper can get wrong is
refused with a message naming the item, before anything is written. Deciding locks the order's requests (in pk
order, through `lock_rows`), so two decisions on one order queue and each refund is counted against the units
already refunded; the refund runs inside the decision's transaction, so a refused refund leaves the request
undecided and its message reaches the store.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record
from inventory.models import MovementKind
from inventory.selectors import store_locations
from inventory.services import Move, stock_moves_apply, stock_rows_lock
from parties.locking import lock_rows
from parties.models import Membership, Warehouse
from parties.selectors import stores_led_by
from payments.models import Payment
from payments.selectors import order_payment
from payments.services import payment_refund
from storefront.events import return_decided_notify, return_requested_notify
from storefront.models import FulfilmentGroup, FulfilmentLine
from storefront.returns import emails
from storefront.returns.models import Outcome, ReturnLine, ReturnPhoto, ReturnRequest
from storefront.returns.selectors import requested_units, return_refund_amount, return_window_ends
from storefront.returns.validators import validate_return_photos

Order = get_model("order", "Order")

PAID_ORDER_STATUSES = ("Paid", "Completed")

__all__ = ["return_request_create", "return_request_decide", "return_request_receive", "return_window_ends",
           "order_is_paid", "may_decide", "may_receive"]


def order_is_paid(*, order) -> bool:
    """Money was received and some of it is left to give back: the order's payment says so (or, for an order
    without a payment record, the order reached the paid part of its status pipeline)."""
    payment = order_payment(order=order)
    if payment is not None:
        return payment.status in (Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED)
    return order.status in PAID_ORDER_STATUSES


def may_decide(*, actor, request: ReturnRequest) -> bool:
    """Operator staff, or an owner/manager of every store the request's lines were sold in."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_staff:
        return True
    store_ids = set(request.lines.values_list("line__store_id", flat=True))
    if not store_ids or None in store_ids:
        return False
    return stores_led_by(user=actor, store_ids=store_ids) == store_ids


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def return_request_create(*, order, lines: dict[int, int], kind: str, reason: str, note: str = "",
                          photos=(), user=None) -> ReturnRequest:
    """Ask to return `lines` ({order line id: units}) of `order`; refused with a message naming the item."""
    note = (note or "").strip()
    photos = [photo for photo in (photos or ()) if photo]
    if kind not in ReturnRequest.Kind.values:
        raise ValidationError(_("Choose whether you want a refund only or to return the goods."))
    if reason not in ReturnRequest.Reason.values:
        raise ValidationError(_("Choose a reason from the list."))
    if reason == ReturnRequest.Reason.OTHER and not note:
        raise ValidationError(_("Tell the store what is wrong in the note."))
    if not lines:
        raise ValidationError(_("Choose at least one item to return."))
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if order.user_id and (not signed_in or user.pk != order.user_id):
        raise ValidationError(_("Only the shopper who placed order %(number)s can ask for a return.")
                              % {"number": order.number})
    order_lines = {line.pk: line for line in order.lines.select_related("store", "product", "product__parent")}
    for line_id, units in lines.items():
        line = order_lines.get(line_id)
        if line is None:
            raise ValidationError(_("That item is not part of order %(number)s.") % {"number": order.number})
        if units is None or units < 1:
            raise ValidationError(_("Enter at least 1 as the quantity of %(item)s.") % {"item": line.title})
    stores = {order_lines[line_id].store for line_id in lines}
    if len(stores) > 1:
        raise ValidationError(_("Ask for returns from one store at a time: %(stores)s each decide their own.")
                              % {"stores": ", ".join(sorted(str(store) for store in stores))})
    validate_return_photos(photos)
    if not order_is_paid(order=order):
        payment = order_payment(order=order)
        if payment is not None and payment.status == Payment.Status.REFUNDED:
            raise ValidationError(_("Order %(number)s was already refunded in full.") % {"number": order.number})
        raise ValidationError(_("Order %(number)s is not paid, so there is nothing to refund yet.")
                              % {"number": order.number})
    now = timezone.now()
    with transaction.atomic():
        lock_rows(Order.objects.filter(pk=order.pk))  # one request at a time per order: the units add up
        requested = requested_units(order=order)
        for line_id, units in lines.items():
            line = order_lines[line_id]
            left = line.quantity - requested.get(line_id, 0)
            if units > left:
                if left <= 0:
                    raise ValidationError(_("All %(bought)d of %(item)s are already in a return request.")
                                          % {"bought": line.quantity, "item": line.title})
                raise ValidationError(
                    _("You can return at most %(left)d of %(item)s (bought %(bought)d, %(requested)d already "
                      "in a return request).")
                    % {"left": left, "item": line.title, "bought": line.quantity,
                       "requested": requested.get(line_id, 0)})
            ends = return_window_ends(line=line)
            if ends is None:
                raise ValidationError(_("%(item)s has not been delivered yet; you can ask for a return once it "
                                        "arrives.") % {"item": line.title})
            if now > ends:
                raise ValidationError(_("The return window for %(item)s closed on %(date)s.")
                                      % {"item": line.title, "date": _date(ends)})
        request = ReturnRequest.objects.create(
            order=order, kind=kind, reason=reason, note=note, created_by=user if signed_in else None,
            email=(user.email if signed_in and user.email else order.email) or "")
        ReturnLine.objects.bulk_create([ReturnLine(request=request, line_id=line_id, quantity=units)
                                        for line_id, units in sorted(lines.items())])
        for photo in photos:
            ReturnPhoto.objects.create(request=request, image=photo)
        audit_record(action="return.request", actor=user if signed_in else None, target=request,
                     actor_label="" if signed_in else (order.email or ""),
                     changes={"order": order.number, "kind": kind, "reason": reason,
                              "lines": {str(line_id): units for line_id, units in sorted(lines.items())},
                              "photos": len(photos)})
        return_requested_notify(request=request, store=next(iter(stores)))
        transaction.on_commit(partial(emails.send_requested, request.pk), robust=True)
    return request


def _lock_request(request: ReturnRequest) -> ReturnRequest:
    """Lock the order first (as the payment and the request commands lock it), then its requests; the request as
    it is now."""
    lock_rows(Order.objects.filter(pk=request.order_id))
    locked = {row.pk: row for row in lock_rows(ReturnRequest.objects.filter(order_id=request.order_id))}
    current = locked.get(request.pk)
    if current is None:
        raise ValidationError(_("This return request no longer exists."))
    return current


def return_request_decide(*, request: ReturnRequest, approve: bool, note: str = "", actor) -> ReturnRequest:
    """Approve or reject (with a note the shopper reads). Approving a refund-only request refunds the lines
    through the order's payment at once; approving a return waits for the goods (`return_request_receive`)."""
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("Give a reason for the rejection; the shopper will see it."))
    with transaction.atomic():
        current = _lock_request(request)
        if not may_decide(actor=actor, request=current):
            raise ValidationError(_("Only an owner or manager of the store can decide return requests."))
        if current.status != ReturnRequest.Status.REQUESTED:
            raise ValidationError(_("This return request was already decided: %(status)s.")
                                  % {"status": current.get_status_display()})
        before = current.status
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_note = note
        changes = {}
        if approve and current.kind == ReturnRequest.Kind.RETURN:
            _payment_of(current)  # an order without a payment could never be refunded: say so now
            current.status = ReturnRequest.Status.APPROVED
        elif approve:
            changes = _refund(current, actor=actor)
        else:
            current.status = ReturnRequest.Status.REJECTED
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "refund_amount"])
        audit_record(action="return.approve" if approve else "return.reject", actor=actor, target=current,
                     changes={"status": [before, current.status], "note": note, **changes})
        return_decided_notify(request=current, approved=approve)
        transaction.on_commit(partial(emails.send_decided, current.pk), robust=True)
    return current


def _payment_of(request: ReturnRequest):
    payment = order_payment(order=request.order)
    if payment is None:
        raise ValidationError(_("Order %(number)s has no payment to refund.") % {"number": request.order.number})
    return payment


def _refund(current: ReturnRequest, *, actor) -> dict:
    """Refund the request's lines through the order's payment (idempotent by the key "return-<pk>")."""
    from points.selectors import cash_part

    payment = _payment_of(current)
    # goods partly paid with points: the money part comes back as money, the rest as points (with the refund)
    amount = min(cash_part(order=current.order, value=return_refund_amount(request=current)), payment.refundable)
    refund = payment_refund(payment=payment, amount=amount, actor=actor, key=f"return-{current.pk}",
                            reason=_("Return %(pk)s for order %(number)s")
                            % {"pk": current.pk, "number": current.order.number})
    current.status = ReturnRequest.Status.REFUNDED
    current.refund_amount = amount
    return {"refund_amount": str(amount), "refund": getattr(refund, "pk", None)}


def _shipping_lines(request: ReturnRequest) -> dict[int, list[FulfilmentLine]]:
    """{order line id: the fulfilment lines that shipped it (not cancelled), in pk order}."""
    found: dict[int, list[FulfilmentLine]] = {}
    for item in (FulfilmentLine.objects.filter(line__return_lines__request=request)
                 .exclude(group__status=FulfilmentGroup.Status.CANCELLED)
                 .select_related("group__warehouse", "group__warehouse__store").order_by("pk")):
        found.setdefault(item.line_id, []).append(item)
    return found


def may_receive(*, actor, request: ReturnRequest) -> bool:
    """Operator staff; a member (any role) of every store the request's lines were sold in; or a member of the
    supplier whose warehouses shipped every line of it."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_staff:
        return True
    store_ids = set(request.lines.values_list("line__store_id", flat=True))
    if store_ids and None not in store_ids:
        member_of = set(Membership.objects.filter(user=actor, store_id__in=store_ids)
                        .values_list("store_id", flat=True))
        if member_of == store_ids:
            return True
    shipping = _shipping_lines(request)
    suppliers = {item.group.warehouse.supplier_id for items in shipping.values() for item in items}
    every_line = set(request.lines.values_list("line_id", flat=True))
    if len(suppliers) != 1 or None in suppliers or set(shipping) != every_line:
        return False
    return Membership.objects.filter(user=actor, supplier_id=suppliers.pop()).exists()


def _usable(location: Warehouse) -> bool:
    return getattr(location, "is_active", True) is not False


def _back_to(location: Warehouse) -> Warehouse:
    """Where returned units of a line shipped from `location` go: the same location, or, if it is gone, the first
    location of the same owner (a supplier's warehouses; a distributor's stores' own stock)."""
    if _usable(location):
        return location
    owner = location.owner_key
    if owner[0] == "supplier":
        candidates = Warehouse.objects.filter(supplier_id=owner[1])
    else:
        candidates = Warehouse.objects.filter(store__distributor_id=owner[1], store__supplier__isnull=True)
    for candidate in candidates.order_by("pk"):
        if _usable(candidate):
            return candidate
    raise ValidationError(_("No stock location of the owner of %(location)s is left to take the goods back.")
                          % {"location": location.code})


def _line_locations(item: ReturnLine, shipped: list[FulfilmentLine]) -> list[tuple[Warehouse, int]]:
    """(location, units) the returned units of `item` go back to: the locations that shipped them, in order."""
    if not shipped:  # never shipped from a location (e.g. sold over the counter): the store's own first location
        location = store_locations(store=item.line.store).first() if item.line.store_id else None
        if location is None:
            raise ValidationError(_("No stock location is known for %(item)s.") % {"item": item.label})
        return [(_back_to(location), item.quantity)]
    split, left = [], item.quantity
    for part in shipped:
        units = min(left, part.quantity)
        if units:
            split.append((_back_to(part.group.warehouse), units))
            left -= units
    if left:
        split[0] = (split[0][0], split[0][1] + left)
    return split


def return_request_receive(*, request: ReturnRequest, decisions: dict[int, str], note: str = "",
                           actor) -> ReturnRequest:
    """The goods of an approved return arrived: each line (`decisions`: {return line id: "restock" |
    "write_off"}) goes back on the shelf it shipped from (a RETURN movement, on hand +units) or is written off as
    damaged (a WRITE_OFF ledger row with the reason, stock unchanged); then the refund goes out. All or nothing:
    a refused refund leaves the stock and the request as they were, and says why."""
    note = (note or "").strip()
    with transaction.atomic():
        current = _lock_request(request)
        if not may_receive(actor=actor, request=current):
            raise ValidationError(_("Only the store that sold it or the supplier that shipped it can record a "
                                    "return as received."))
        if current.received_at is not None:
            raise ValidationError(_("This return was already received on %(date)s.")
                                  % {"date": _date(current.received_at)})
        if current.status == ReturnRequest.Status.REQUESTED:
            raise ValidationError(_("Approve this return request before recording the goods as received."))
        if current.status != ReturnRequest.Status.APPROVED or current.kind != ReturnRequest.Kind.RETURN:
            raise ValidationError(_("This return request is %(status)s; there are no goods to receive.")
                                  % {"status": current.get_status_display().lower()})
        items = list(current.lines.select_related("line", "line__store", "line__stockrecord").order_by("pk"))
        known = {item.pk for item in items}
        unknown = [key for key in decisions if key not in known]
        if unknown:
            raise ValidationError(_("That item is not part of this return."))
        missing = [item.label for item in items if decisions.get(item.pk) not in Outcome.values]
        if missing:
            raise ValidationError(_("Choose restock or write off for %(items)s.") % {"items": ", ".join(missing)})
        if note == "" and any(decisions[item.pk] == Outcome.WRITE_OFF for item in items):
            note = _("Damaged on arrival")
        shipped = _shipping_lines(current)
        wanted: list[tuple[ReturnLine, Warehouse, int]] = []
        for item in items:
            split = _line_locations(item, shipped.get(item.line_id, []))
            wanted.extend((item, location, units) for location, units in split)
        rows = stock_rows_lock(pairs={(location.pk, item.line.stockrecord_id) for item, location, _units in wanted},
                               create=True)
        reference = current.order.number
        label = _("Return %(pk)s") % {"pk": current.pk}
        moves = []
        for item, location, units in wanted:
            row = rows[(location.pk, item.line.stockrecord_id)]
            if decisions[item.pk] == Outcome.RESTOCK:
                moves.append(Move(stock=row, kind=MovementKind.RETURN, on_hand=units, reference=reference,
                                  reason=f"{label}: {note}" if note else label))
            else:
                moves.append(Move(stock=row, kind=MovementKind.WRITE_OFF, reference=reference,
                                  reason=_("%(label)s: %(units)d written off: %(note)s")
                                  % {"label": label, "units": units, "note": note}))
        stock_moves_apply(moves=moves, actor=actor, order=current.order)
        for item in items:
            item.outcome = decisions[item.pk]
        ReturnLine.objects.bulk_update(items, ["outcome"])
        before = current.status
        current.received_by, current.received_at, current.received_note = actor, timezone.now(), note
        changes = _refund(current, actor=actor)
        current.save(update_fields=["status", "refund_amount", "received_by", "received_at", "received_note"])
        audit_record(action="return.receive", actor=actor, target=current,
                     changes={"status": [before, current.status], "note": note,
                              "lines": {str(item.pk): item.outcome for item in items}, **changes})
        transaction.on_commit(partial(emails.send_decided, current.pk), robust=True)
    return current


def return_window_set(*, store, days: int | None, actor) -> None:
    """Set how many days after delivery `store`'s shoppers may ask for a return (None: the marketplace default)."""
    if days is not None and not 0 <= days <= 365:
        raise ValidationError(_("Choose a return window between 0 and 365 days, or leave it empty."))
    if store.return_window_days == days:
        return
    with transaction.atomic():
        type(store).objects.filter(pk=store.pk).update(return_window_days=days)
        audit_record(action="store.return_window_set", actor=actor, target=store, changes={"days": days})
    store.return_window_days = days
