"""After-sales commands: a shopper asks to return lines of a paid, delivered order; the store decides; approving
refunds through the payment registry.

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
from parties.locking import lock_rows
from parties.selectors import stores_led_by
from payments.models import Payment
from payments.selectors import order_payment
from payments.services import payment_refund
from storefront.returns import emails
from storefront.returns.models import ReturnLine, ReturnPhoto, ReturnRequest
from storefront.returns.selectors import requested_units, return_refund_amount, return_window_ends
from storefront.returns.validators import validate_return_photos

Order = get_model("order", "Order")

PAID_ORDER_STATUSES = ("Paid", "Completed")

__all__ = ["return_request_create", "return_request_decide", "return_window_ends", "order_is_paid",
           "may_decide"]


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
        transaction.on_commit(partial(emails.send_requested, request.pk), robust=True)
    return request


def return_request_decide(*, request: ReturnRequest, approve: bool, note: str = "", actor) -> ReturnRequest:
    """Approve (refund the lines through the order's payment) or reject (with a note the shopper reads)."""
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("Give a reason for the rejection; the shopper will see it."))
    with transaction.atomic():
        # the order first (as the payment and the request commands lock it), then its requests
        lock_rows(Order.objects.filter(pk=request.order_id))
        locked = {row.pk: row for row in lock_rows(ReturnRequest.objects.filter(order_id=request.order_id))}
        current = locked.get(request.pk)
        if current is None:
            raise ValidationError(_("This return request no longer exists."))
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
        if approve:
            payment = order_payment(order=current.order)
            if payment is None:
                raise ValidationError(_("Order %(number)s has no payment to refund.")
                                      % {"number": current.order.number})
            amount = return_refund_amount(request=current)
            refund = payment_refund(payment=payment, amount=amount, actor=actor, key=f"return-{current.pk}",
                                    reason=_("Return %(pk)s for order %(number)s")
                                    % {"pk": current.pk, "number": current.order.number})
            current.status = ReturnRequest.Status.REFUNDED
            current.refund_amount = amount
            changes = {"refund_amount": str(amount), "refund": getattr(refund, "pk", None)}
        else:
            current.status = ReturnRequest.Status.REJECTED
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "refund_amount"])
        audit_record(action="return.approve" if approve else "return.reject", actor=actor, target=current,
                     changes={"status": [before, current.status], "note": note, **changes})
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
