"""Changing points: earn on a paid order, lose and restore on its refunds, redeem at checkout, merge two shoppers.

Every change is one `PointsEntry` keyed by its cause (replaying the cause writes nothing) and the account row
locked and updated in the caller's transaction, so the balance is always the sum of the entries. Rules:
- earn: a registered shopper's paid order earns floor(money paid × `points_per_yuan` in force when it was
  placed), key `earn:<payment>`; a duplicate payment earns nothing;
- lose: each refund takes back the earning in proportion to the money refunded (the last refund what is left),
  key `lose:<refund>`. It never takes the balance below zero: it takes what is there and notes the shortfall
  (the points were spent meanwhile; the platform absorbs them);
- redeem: at checkout, within the balance and `points_redeem_cap` × the order total, valued at `points_value`;
- restore: each refund gives back the redeemed points in the same proportion, key `restore:<refund>`.
"""

from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from parties.locking import lock_rows
from points import selectors
from points.models import PointsAccount, PointsEntry
from siteconfig.selectors import setting_value

Kind = PointsEntry.Kind


def _account(user) -> PointsAccount:
    """The user's account row, created when missing, locked (call inside a transaction)."""
    PointsAccount.objects.get_or_create(user=user)  # retries in its own savepoint if created meanwhile
    return lock_rows(PointsAccount.objects.filter(user=user))[0]


def _entry(*, account: PointsAccount, points: int, kind: str, key: str, order=None, refund=None, note: str = "",
           value: Decimal = Decimal("0.00")) -> PointsEntry:
    entry = PointsEntry.objects.create(user_id=account.user_id, points=points, kind=kind, key=key, order=order,
                                       refund=refund, note=note[:255], value=value)
    if points:
        account.balance += points
        account.save(update_fields=["balance", "updated_at"])
    return entry


def _shopper(order):
    user = order.user
    return user if user is not None and user.is_active else None


def points_earn(*, payment) -> PointsEntry | None:
    """A payment was received: its order's registered shopper earns points on the money paid (idempotent)."""
    key = f"earn:{payment.pk}"
    order = payment.order
    user = _shopper(order)
    if payment.duplicate or user is None:
        return None
    with transaction.atomic():
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing
        rate = Decimal(str(setting_value(key="points_per_yuan", at=order.date_placed)))
        points = int((payment.amount * rate).to_integral_value(rounding=ROUND_FLOOR))
        if points <= 0:
            return None
        return _entry(account=_account(user), points=points, kind=Kind.EARN, key=key, order=order)


def points_refund_record(*, refund) -> list[PointsEntry]:
    """A refund was made: the redeemed points come back and the earned ones go, in proportion (idempotent)."""
    payment = refund.payment
    order = payment.order
    written = []
    with transaction.atomic():
        restore = selectors.refund_restore(refund=refund)
        if restore.points and not PointsEntry.objects.filter(key=f"restore:{refund.pk}").exists():
            owner = PointsEntry.objects.filter(order=order, kind=Kind.REDEEM).values_list("user", flat=True).first()
            account = _account(owner)
            written.append(_entry(account=account, points=restore.points, kind=Kind.RESTORE,
                                  key=f"restore:{refund.pk}", order=order, refund=refund, value=restore.value))
        earned = PointsEntry.objects.filter(key=f"earn:{payment.pk}").first()
        lose_key = f"lose:{refund.pk}"
        if earned is not None and not PointsEntry.objects.filter(key=lose_key).exists():
            due = selectors.refund_share(refund=refund, whole=earned.points)
            if due > 0:
                account = _account(earned.user)
                taken = min(due, account.balance)
                note = "" if taken == due else _("%(missing)s points already spent could not be taken back.") % {
                    "missing": due - taken}
                written.append(_entry(account=account, points=-taken, kind=Kind.LOSE, key=lose_key, order=order,
                                      refund=refund, note=note))
    return written


def points_use_check(*, user, points: int) -> None:
    """What can be refused before an order exists (checkout asks first): a negative number, or points from a guest."""
    if points < 0:
        raise ValidationError(_("Enter the points to use as 0 or more."))
    if points and (user is None or not user.is_authenticated):
        raise ValidationError(_("Sign in to use points: guests have none."))


def points_redeem(*, user, order, points: int) -> PointsEntry | None:
    """Spend `points` of `user` on `order` (checkout, inside the order's transaction). Refused with a
    ValidationError, nothing written, for a guest, a negative number, more than the balance or the cap."""
    points_use_check(user=user, points=points)
    if points == 0:
        return None
    total = Decimal(order.total_incl_tax)
    with transaction.atomic():
        account = _account(user)
        if points > account.balance:
            raise ValidationError(_("You have %(balance)s points; you cannot use %(points)s.")
                                  % {"balance": account.balance, "points": points})
        cap = selectors.redeem_cap(total=total, at=order.date_placed)
        if points > cap:
            raise ValidationError(_("At most %(cap)s points can pay for this order.") % {"cap": cap})
        value = selectors.points_worth(points, unit=selectors.point_value(at=order.date_placed))
        return _entry(account=account, points=-points, kind=Kind.REDEEM, key=f"redeem:{order.pk}", order=order,
                      value=value)


def points_release(*, order) -> PointsEntry | None:
    """An order that was never paid is cancelled: the points used on it come back in full (idempotent)."""
    redeemed = selectors.order_redeemed(order=order)
    if not redeemed.points:
        return None
    key = f"release:{order.pk}"
    with transaction.atomic():
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing
        owner = PointsEntry.objects.filter(order=order, kind=Kind.REDEEM).values_list("user", flat=True).first()
        return _entry(account=_account(owner), points=redeemed.points, kind=Kind.RESTORE, key=key, order=order,
                      value=redeemed.value, note=_("The order was cancelled before it was paid."))


def points_adjust(*, user, points: int, note: str, actor, key: str = "") -> PointsEntry:
    """The operator gives or takes `points` (a goodwill gesture, a correction), with a reason; audited. Refused,
    nothing written, for zero points, no reason, or taking more than the balance."""
    note = (note or "").strip()
    if not points:
        raise ValidationError(_("Enter a number of points other than 0."))
    if not note:
        raise ValidationError(_("Say why the points change."))
    with transaction.atomic():
        if key:
            existing = PointsEntry.objects.filter(key=key).first()
            if existing is not None:
                return existing
        account = _account(user)
        if account.balance + points < 0:
            raise ValidationError(_("%(user)s has %(balance)s points; at most that many can be taken.")
                                  % {"user": user.email, "balance": account.balance})
        stamp = PointsEntry.objects.filter(user=user, kind=Kind.ADJUST).count() + 1
        entry = _entry(account=account, points=points, kind=Kind.ADJUST, key=key or f"adjust:{user.pk}:{stamp}",
                       note=note)
        audit_record(action="points.adjust", actor=actor, target=account,
                     changes={"user": user.pk, "points": points, "note": note})
    return entry


def points_merge(*, source_user, target_user, actor) -> int:
    """Move every points entry of `source_user` to `target_user` (a customer merge); returns the points moved.

    Both accounts are locked in pk order; the source's balance moves with its entries (so each balance stays the
    sum of its entries) and a zero-point `merge` entry on the target records it. A merge into oneself is refused.
    """
    if source_user is None or target_user is None or source_user.pk == target_user.pk:
        raise ValidationError(_("Choose two different accounts to merge."))
    with transaction.atomic():
        for user in sorted((source_user, target_user), key=lambda u: u.pk):
            PointsAccount.objects.get_or_create(user=user)  # retries in its own savepoint if created meanwhile
        accounts = {a.user_id: a for a in lock_rows(PointsAccount.objects.filter(
            user__in=[source_user.pk, target_user.pk]))}
        source, target = accounts[source_user.pk], accounts[target_user.pk]
        moved = source.balance
        count = PointsEntry.objects.filter(user=source_user).update(user=target_user)
        source.balance, target.balance = 0, target.balance + moved
        source.save(update_fields=["balance", "updated_at"])
        target.save(update_fields=["balance", "updated_at"])
        stamp = PointsEntry.objects.filter(key__startswith=f"merge:{source_user.pk}:{target_user.pk}:").count()
        PointsEntry.objects.create(user=target_user, points=0, kind=Kind.MERGE,
                                   key=f"merge:{source_user.pk}:{target_user.pk}:{stamp + 1}",
                                   note=_("%(points)s points and %(entries)s entries moved from %(source)s.")
                                   % {"points": moved, "entries": count, "source": source_user.email})
        audit_record(action="points.merge", actor=actor, target=target,
                     changes={"from_user": source_user.pk, "to_user": target_user.pk, "points": moved,
                              "entries": count})
    return moved
