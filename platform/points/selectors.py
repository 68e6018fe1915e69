"""Reading points: a shopper's balance and history, what an order used and earned, how much may be redeemed, and
the share of an order's redeemed points a refund gives back (shared by the points entries and the ledger, so
both move the same value)."""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum

from parties.money import CENT
from points.models import PointsAccount, PointsEntry
from siteconfig.selectors import setting_value

ZERO = Decimal("0.00")


def points_balance(*, user) -> int:
    """The shopper's spendable points."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0


def points_history(*, user) -> QuerySet[PointsEntry]:
    """The shopper's entries, newest first, with their orders (one query per page)."""
    return PointsEntry.objects.filter(user=user).select_related("order").order_by("-created_at", "-pk")


def point_value(*, at=None) -> Decimal:
    """What one point is worth at checkout (0.01: 100 points per yuan)."""
    return Decimal(str(setting_value(key="points_value", at=at)))


def points_worth(points: int, *, unit: Decimal) -> Decimal:
    return (Decimal(points) * unit).quantize(CENT, rounding=ROUND_HALF_UP)


def redeem_cap(*, total: Decimal, at=None) -> int:
    """The most points an order of `total` may be paid with: `points_redeem_cap` × total, in points (floor)."""
    unit = point_value(at=at)
    if unit <= 0 or total <= 0:
        return 0
    share = Decimal(str(setting_value(key="points_redeem_cap", at=at)))
    return int((total * share / unit).to_integral_value(rounding=ROUND_FLOOR))


def redeem_limit(*, user, total: Decimal) -> int:
    """The most points `user` may use on an order of `total`: their balance within the cap."""
    return min(points_balance(user=user), redeem_cap(total=total))


@dataclass(frozen=True)
class Redeemed:
    points: int
    value: Decimal


def order_redeemed(*, order) -> Redeemed:
    """The points used to pay `order` and the money they stood for (zero when none)."""
    row = PointsEntry.objects.filter(order=order, kind=PointsEntry.Kind.REDEEM).aggregate(
        points=Sum("points"), value=Sum("value"))
    return Redeemed(-(row["points"] or 0), Decimal(row["value"] or 0).quantize(CENT))


def order_payable(*, order) -> Decimal:
    """What the shopper pays for `order` in money: its total less the value of the points used."""
    total = Decimal(order.total_incl_tax).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(total - order_redeemed(order=order).value, ZERO)


def cash_part(*, order, value: Decimal) -> Decimal:
    """The money to refund for goods worth `value` of an order partly paid with points: value × paid / total
    (the points' share comes back as points). Unchanged for an order paid without points."""
    redeemed = order_redeemed(order=order)
    total = Decimal(order.total_incl_tax)
    if not redeemed.points or total <= 0:
        return value
    return (value * (total - redeemed.value) / total).quantize(CENT, rounding=ROUND_HALF_UP)


def order_points(*, order) -> dict:
    """Points per kind for the order page: {"redeem": 500, "earn": 84, ...} (positive numbers), one query."""
    rows = (PointsEntry.objects.filter(order=order).values("kind").annotate(points=Sum("points"), value=Sum("value"))
            .order_by())
    found = {row["kind"]: abs(row["points"] or 0) for row in rows}
    found["redeem_value"] = next((Decimal(row["value"]).quantize(CENT) for row in rows
                                  if row["kind"] == PointsEntry.Kind.REDEEM), ZERO)
    return found


def _through(whole: int, paid: Decimal, upto: Decimal) -> int:
    """The part of `whole` points that `upto` of `paid` refunded accounts for (floor); all once everything went
    back."""
    if upto >= paid or paid <= 0:
        return whole
    return int((Decimal(whole) * upto / paid).to_integral_value(rounding=ROUND_FLOOR))


def _refund_window(refund) -> tuple[Decimal, Decimal] | None:
    """(refunded before `refund`, refunded through it) on its payment; None for a duplicate payment, which has no
    share of the order's points."""
    payment = refund.payment
    if payment.duplicate:
        return None
    before = payment.refunds.filter(pk__lt=refund.pk).aggregate(total=Sum("amount"))["total"] or ZERO
    before = Decimal(before).quantize(CENT)
    return before, before + refund.amount


def refund_share(*, refund, whole: int) -> int:
    """The share of `whole` points (earned or redeemed on the order) that `refund` takes or gives back: in
    proportion to the money refunded over the money paid, counted cumulatively over the payment's refunds in
    order, so the last refund takes exactly what is left."""
    window = _refund_window(refund)
    if window is None or not whole:
        return 0
    paid = refund.payment.amount
    return _through(whole, paid, window[1]) - _through(whole, paid, window[0])


def refund_restore(*, refund) -> Redeemed:
    """The redeemed points a refund gives back and the money they stood for (the ledger reverses that much of
    the points cost). Values are counted cumulatively too: all refunds together give back exactly the value."""
    redeemed = order_redeemed(order=refund.payment.order)
    window = _refund_window(refund)
    if window is None or not redeemed.points:
        return Redeemed(0, ZERO)
    paid = refund.payment.amount
    after, before = (_through(redeemed.points, paid, upto) for upto in (window[1], window[0]))
    return Redeemed(after - before, _value_of(after, redeemed) - _value_of(before, redeemed))


def _value_of(points: int, redeemed: Redeemed) -> Decimal:
    if points == redeemed.points:
        return redeemed.value
    return (redeemed.value * points / redeemed.points).quantize(CENT, rounding=ROUND_HALF_UP)
