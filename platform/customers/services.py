"""Merging two accounts that turned out to be one person.

`customer_merge(source=..., target=...)` moves, in one transaction, what a person expects to follow them from the
account they stop using (source) to the one they keep (target), then closes the source (is_active=False) and
records `customer.merge` in the audit log with the counts moved and the source's e-mail.

Moved:
- orders (`order.Order.user`) and the submitted/frozen baskets behind them (`basket.Basket.owner`);
- saved addresses (`address.UserAddress`): an address the target already has (same oscar hash) stays behind,
  and moved ones lose their "default" flags so the target keeps its own defaults;
- product reviews (`reviews.ProductReview`), except one for a product the target reviewed too (one per product);
- return requests the shopper made (`mp_returns.ReturnRequest.created_by`);
- notifications: the notification centre's rows (`mp_notifications.Notification`, except an event the target
  already has), oscar's messages (`communication.Notification` received) and its e-mail log (`communication.Email`);
- wish lists, stock alerts (`customer.ProductAlert`) and voucher uses (`voucher.VoucherApplication`: a
  once-per-customer voucher stays used), oscar's saved cards (`payment.Bankcard`);
- points (`points.services.points_merge`).

Deliberately left with the closed source account:
- open and saved baskets: a cart is transient, its prices and stock may have changed, and carts of several stores
  would have to be merged line by line; the shopper simply adds the items again;
- votes on reviews (`reviews.Vote`: moving one could make a vote on one's own review), browsing analytics
  (`analytics.UserRecord` / `UserProductView` / `UserSearch`);
- everything that records who *did* something as staff or a party member (audit events, decisions, stock
  movements...): a source with a portal membership or staff rights is refused anyway;
- the e-mail address copied on return requests (where decisions go): it is an address the person owns.

Refused with a ValidationError and nothing changed: merging an account into itself, a source that is staff or
holds a portal membership, a source already merged (inactive), a closed target, an unknown e-mail.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record
from notifications.models import Notification
from parties.locking import lock_rows
from parties.models import Membership
from points.services import points_merge
from storefront.returns.models import ReturnRequest

User = get_user_model()


def customer_by_email(email: str):
    """The one account using `email` (case-insensitive), or a ValidationError naming the problem."""
    email = (email or "").strip()
    if not email:
        raise ValidationError(_("Enter the e-mail address of the account to merge."))
    matches = list(User.objects.filter(email__iexact=email).order_by("pk")[:2])
    if not matches:
        raise ValidationError(_("No account uses the e-mail address %(email)s.") % {"email": email})
    if len(matches) > 1:
        raise ValidationError(_("Several accounts use the e-mail address %(email)s: merge them from the Django "
                                "admin.") % {"email": email})
    return matches[0]


def _refusal(source, target) -> str:
    if source.pk == target.pk:
        return _("An account cannot be merged into itself.")
    if not source.is_active:
        return _("%(email)s is already closed (merged earlier or deactivated): there is nothing to merge.") % {
            "email": source.email}
    if not target.is_active:
        return _("%(email)s is closed: merge into an active account.") % {"email": target.email}
    if source.is_staff or source.is_superuser:
        return _("%(email)s is an operator account: only shoppers' accounts can be merged.") % {"email": source.email}
    if Membership.objects.filter(user=source).exists():
        return _("%(email)s belongs to a supplier, distributor or store team: remove its memberships first.") % {
            "email": source.email}
    return ""


def _move_addresses(source, target) -> int:
    UserAddress = get_model("address", "UserAddress")
    taken = UserAddress.objects.filter(user=target).values("hash")
    return (UserAddress.objects.filter(user=source).exclude(hash__in=taken)
            .update(user=target, is_default_for_shipping=False, is_default_for_billing=False))


def _move_reviews(source, target) -> int:
    ProductReview = get_model("reviews", "ProductReview")
    reviewed = ProductReview.objects.filter(user=target).values("product_id")
    return ProductReview.objects.filter(user=source).exclude(product_id__in=reviewed).update(user=target)


def _move_notifications(source, target) -> int:
    told = Notification.objects.filter(user=target).values("event_id")
    moved = Notification.objects.filter(user=source).exclude(event_id__in=told).update(user=target)
    moved += get_model("communication", "Notification").objects.filter(recipient=source).update(recipient=target)
    return moved


def customer_merge(*, source, target, actor) -> dict[str, int]:
    """Move `source`'s orders, addresses, reviews, returns, notifications and points to `target`; close `source`.

    Returns what moved, by kind. Both accounts are locked first, so two merges of one source cannot both run.
    """
    Basket = get_model("basket", "Basket")
    with transaction.atomic():
        locked = {user.pk: user for user in lock_rows(User.objects.filter(pk__in={source.pk, target.pk}))}
        source, target = locked[source.pk], locked[target.pk]
        refusal = _refusal(source, target)
        if refusal:
            raise ValidationError(refusal)
        moved = {
            "orders": get_model("order", "Order").objects.filter(user=source).update(user=target),
            "baskets": Basket.objects.filter(owner=source, status__in=[Basket.SUBMITTED, Basket.FROZEN])
            .update(owner=target),
            "addresses": _move_addresses(source, target),
            "reviews": _move_reviews(source, target),
            "return_requests": ReturnRequest.objects.filter(created_by=source).update(created_by=target),
            "notifications": _move_notifications(source, target),
            "emails": get_model("communication", "Email").objects.filter(user=source).update(user=target),
            "wishlists": get_model("wishlists", "WishList").objects.filter(owner=source).update(owner=target),
            "stock_alerts": get_model("customer", "ProductAlert").objects.filter(user=source).update(user=target),
            "voucher_uses": get_model("voucher", "VoucherApplication").objects.filter(user=source)
            .update(user=target),
            "cards": get_model("payment", "Bankcard").objects.filter(user=source).update(user=target),
            "points": points_merge(source_user=source, target_user=target, actor=actor),
        }
        source.is_active = False
        source.save(update_fields=["is_active"])
        audit_record(action="customer.merge", actor=actor, target=target,
                     changes={"source": source.email, "source_id": source.pk, "target": target.email, **moved})
    return moved
