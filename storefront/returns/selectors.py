"""Return queries: what of an order can still be returned, the refund a request is worth, and the portal lists.

Portal lists go through `parties.scoping.scoped()`: a request belongs to the stores of its lines (and their
distributor); the suppliers of its lines see it with their own lines only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parties.money import CENT
from parties.scoping import Scope, scoped
from siteconfig.selectors import setting_value
from storefront.models import FulfilmentGroup
from storefront.returns.models import ReturnLine, ReturnRequest

# Requests that hold on to their units: a rejected or cancelled request frees them for a new request.
HOLDING_STATUSES = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED, ReturnRequest.Status.REFUNDED)


def return_window_days(*, store, at: datetime | None = None) -> int:
    """The store's own window, or the operator's default in force at `at` (now when None; a versioned setting)."""
    if store is not None and store.return_window_days is not None:
        return store.return_window_days
    return setting_value(key="return_window_days", at=at)


def return_window_ends(*, line) -> datetime | None:
    """When the shopper's right to ask for a return of `line` ends; None until every unit of it is delivered.

    A line split over several warehouses counts as delivered when its last (not cancelled) group is.
    """
    groups = FulfilmentGroup.objects.filter(lines__line=line).exclude(status=FulfilmentGroup.Status.CANCELLED)
    delivered = list(groups.values_list("delivered_at", flat=True))
    if not delivered or any(moment is None for moment in delivered):
        return None
    # the terms the shopper bought under: the operator's default in force when the order was placed
    placed = line.order.date_placed
    return max(delivered) + timedelta(days=return_window_days(store=line.store, at=placed))


def requested_units(*, order, exclude_request=None) -> dict[int, int]:
    """{order line id: units already asked back} over the order's requests that still hold their units."""
    qs = ReturnLine.objects.filter(request__order=order, request__status__in=HOLDING_STATUSES)
    if exclude_request is not None:
        qs = qs.exclude(request=exclude_request)
    return dict(qs.values("line_id").annotate(units=Sum("quantity")).values_list("line_id", "units"))


@dataclass
class ReturnableLine:
    """One order line as the return form shows it."""

    line: object
    bought: int
    requested: int
    window_ends: datetime | None

    @property
    def label(self) -> str:
        return self.line.title

    @property
    def available(self) -> int:
        return max(self.bought - self.requested, 0)

    @property
    def delivered(self) -> bool:
        return self.window_ends is not None

    @property
    def window_open(self) -> bool:
        return self.window_ends is not None and timezone.now() <= self.window_ends

    @property
    def can_return(self) -> bool:
        return self.window_open and self.available > 0


def returnable_lines(*, order) -> list[ReturnableLine]:
    """Every line of `order` with what was bought, already asked back, and when its return window ends."""
    requested = requested_units(order=order)
    lines = order.lines.select_related("store", "product", "product__parent").order_by("pk")
    return [ReturnableLine(line=line, bought=line.quantity, requested=requested.get(line.pk, 0),
                           window_ends=return_window_ends(line=line)) for line in lines]


def units_price(line, units: int) -> Decimal:
    """What `units` of `line` cost after discounts, incl. tax: the line price shared out per unit, to the cent."""
    if units >= line.quantity:
        return line.line_price_incl_tax
    return (line.line_price_incl_tax * units / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def return_refund_amount(*, request: ReturnRequest) -> Decimal:
    """What approving `request` refunds: each line's unit price incl. tax after discounts × the units returned.

    Counted against the units of the same line already refunded, so returning a line unit by unit never pays out
    more (or less) than the line cost in total when its price does not divide evenly.
    """
    refunded = dict(ReturnLine.objects.filter(request__order_id=request.order_id,
                                              request__status=ReturnRequest.Status.REFUNDED)
                    .exclude(request=request).values("line_id").annotate(units=Sum("quantity"))
                    .values_list("line_id", "units"))
    total = Decimal("0.00")
    for item in request.lines.select_related("line"):
        before = refunded.get(item.line_id, 0)
        total += units_price(item.line, before + item.quantity) - units_price(item.line, before)
    return total.quantize(CENT)


def order_return_requests(*, order) -> QuerySet[ReturnRequest]:
    """The order's requests, newest first, with their lines and photos (the shopper's status page)."""
    return (ReturnRequest.objects.filter(order=order)
            .prefetch_related(Prefetch("lines", queryset=ReturnLine.objects.select_related(
                "line", "line__product", "line__product__parent")), "photos"))


def return_requests(*, scope: Scope, status: str = "") -> QuerySet[ReturnRequest]:
    """The requests the scope may see, newest first; each carries `visible_lines`, only the scope's own lines."""
    qs = scoped(ReturnRequest.objects.all(), scope=scope)
    if status:
        qs = qs.filter(status=status)
    visible = scoped(ReturnLine.objects.all(), scope=scope).select_related(
        "line", "line__store", "line__supplier", "line__product", "line__product__parent")
    return (qs.select_related("order", "decided_by")
            .prefetch_related(Prefetch("lines", queryset=visible.order_by("pk"), to_attr="visible_lines"))
            .order_by("-created_at", "-pk"))


def return_request_in_scope(*, scope: Scope, pk: int) -> ReturnRequest:
    """One request the scope may see, else 404."""
    return get_object_or_404(return_requests(scope=scope).prefetch_related("photos"), pk=pk)
