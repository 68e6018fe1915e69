"""Operator accounts (Django staff): suspend and reactivate, with a reason, audited.

The marketplace must never be left without an operator: suspending the last active one, or yourself, is refused
with nothing changed. The staff rows are locked first, so two operators suspending each other at the same moment
cannot both succeed.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from audit.services import audit_record
from parties.locking import lock_rows


def operator_list(*, search: str = "") -> QuerySet:
    """The staff users, active first, by e-mail."""
    qs = get_user_model().objects.filter(is_staff=True)
    if search:
        qs = qs.filter(email__icontains=search)
    return qs.order_by("-is_active", "email", "pk")


@transaction.atomic
def operator_set_active(*, actor, operator, active: bool, reason: str):
    """Suspend (`active=False`: the account can no longer sign in) or reactivate an operator."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason; it is kept in the audit log."))
    staff = lock_rows(get_user_model().objects.filter(is_staff=True))
    target = next((user for user in staff if user.pk == operator.pk), None)
    if target is None:
        raise ValidationError(_("%(user)s is not an operator.") % {"user": operator.get_username()})
    if target.is_active == active:
        raise ValidationError((_("%(user)s is already active.") if active else _("%(user)s is already suspended."))
                              % {"user": target.get_username()})
    if not active:
        if target.pk == getattr(actor, "pk", None):
            raise ValidationError(_("You cannot suspend yourself; ask another operator."))
        if not any(user.is_active and user.pk != target.pk for user in staff):
            raise ValidationError(_("%(user)s is the last active operator; the marketplace would have no one to "
                                    "run it. Reactivate or add another operator first.")
                                  % {"user": target.get_username()})
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit_record(action="operator.reactivate" if active else "operator.suspend", actor=actor, target=target,
                 changes={"is_active": [not active, active], "reason": reason})
    return target
