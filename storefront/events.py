"""What the order side tells people, as outbox events written in the same transaction as the change.

Each function is called by the service that makes the change, inside its transaction: the store hears of a new
or paid order, whoever ships a part hears it is to ship, the shopper hears of payment, shipping, delivery and
cancellations, and of the store's decision on a return.
"""

from __future__ import annotations

from collections import defaultdict

from oscar.templatetags.currency_filters import currency

from notifications.audiences import Audience
from notifications.services import event_emit
from points.selectors import order_payable


def _shopper(order) -> list[Audience]:
    return [Audience.user(order.user_id)] if order.user_id else []


def _per_store(order) -> dict[int, dict]:
    """Each store's share of the order: its name, units and total (lines after discounts)."""
    shares: dict[int, dict] = defaultdict(lambda: {"units": 0, "total": 0, "name": ""})
    for line in order.lines.select_related("store"):
        if line.store_id is None:
            continue
        share = shares[line.store_id]
        share["name"] = line.store.display_name
        share["units"] += line.quantity
        share["total"] += line.line_price_incl_tax
    return shares


def _group_parties(group) -> list[Audience]:
    """Who a shipment concerns besides the shopper (for their webhooks): the stores that sold its lines, and the
    location that ships it (a supplier's warehouse, or a store's own stock)."""
    store_ids = (group.lines.exclude(line__store=None).values_list("line__store_id", flat=True).distinct()
                 .order_by("line__store_id"))
    return list(dict.fromkeys([*(Audience.store(pk) for pk in store_ids), Audience.of_location(group.warehouse)]))


def order_placed_notify(*, order) -> None:
    for store_id, share in _per_store(order).items():
        event_emit(kind="order.placed", audiences=[Audience.store(store_id)], params={
            "number": str(order.number), "items": share["units"], "total": currency(share["total"], order.currency),
            "store": share["name"]})


def order_paid_notify(*, order) -> None:
    """The stores and the shopper hear the order is paid; every location that ships a part hears it is to ship."""
    shares = _per_store(order)
    for store_id, share in shares.items():
        event_emit(kind="order.paid", audiences=[Audience.store(store_id)], params={
            "number": str(order.number), "total": currency(share["total"], order.currency), "store": share["name"]})
    if order.user_id:
        event_emit(kind="order.paid", audiences=_shopper(order), params={
            "number": str(order.number), "total": currency(order_payable(order=order), order.currency),  # in money
            "store": ", ".join(share["name"] for share in shares.values())})
    for group in order.fulfilment_groups.select_related("warehouse").prefetch_related("lines"):
        location = group.warehouse
        event_emit(kind="fulfilment.to_ship", audiences=[Audience.of_location(location)], params={
            "number": str(order.number), "group": group.pk, "units": sum(line.quantity for line in group.lines.all()),
            "location": location.display_name})


def order_shipped_notify(*, group, parcel) -> None:
    event_emit(kind="order.shipped", audiences=_shopper(group.order), webhook_parties=_group_parties(group),
               params={"number": str(group.order.number), "carrier": parcel.carrier,
                       "tracking": parcel.tracking_number})


def order_delivered_notify(*, group) -> None:
    event_emit(kind="order.delivered", audiences=_shopper(group.order), webhook_parties=_group_parties(group),
               params={"number": str(group.order.number)})


def shipment_cancelled_notify(*, group, reason: str) -> None:
    event_emit(kind="shipment.cancelled", audiences=_shopper(group.order), webhook_parties=_group_parties(group),
               params={"number": str(group.order.number), "reason": reason})


def return_requested_notify(*, request, store) -> None:
    event_emit(kind="return.requested", audiences=[Audience.store(store.pk)], params={
        "number": str(request.order.number), "request": request.pk, "reason": request.get_reason_display()})


def return_decided_notify(*, request, approved: bool) -> None:
    if request.created_by_id is None:
        return  # a guest's request: the e-mail tells them
    event_emit(kind="return.approved" if approved else "return.rejected",
               audiences=[Audience.user(request.created_by_id)],
               params={"number": str(request.order.number), "request": request.pk, "note": request.decision_note})
