"""Commands that change parties. Each checks its input, changes state and audits in one transaction."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from parties.locking import lock_rows
from parties.models import Distributor, PartyStatus, Store, Supplier, Warehouse

Party = Supplier | Distributor | Store


@transaction.atomic
def party_set_status(*, actor, party: Party, status: str, reason: str = "") -> Party:
    """Suspend or reactivate a supplier, distributor or store.

    A suspended party's members are shown a notice instead of their portal
    and a suspended store takes no orders; the data itself is kept.
    """
    if status not in PartyStatus.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": status})
    reason = reason.strip()
    if status == PartyStatus.SUSPENDED and not reason:
        raise ValidationError(_("Give a reason for the suspension; the party's members will see it."))
    [locked] = lock_rows(type(party).objects.filter(pk=party.pk))
    if locked.status == status:
        raise ValidationError(_("%(party)s is already %(status)s.") % {
            "party": locked, "status": locked.get_status_display().lower()})
    before = locked.status
    locked.status = status
    locked.status_reason = reason if status == PartyStatus.SUSPENDED else ""
    locked.save(update_fields=["status", "status_reason"])
    audit_record(
        action=f"{type(party).__name__.lower()}.{'suspend' if status == PartyStatus.SUSPENDED else 'reactivate'}",
        actor=actor,
        target=locked,
        changes={"status": [before, status], "reason": reason},
    )
    return locked


@transaction.atomic
def warehouse_create(*, actor, supplier: Supplier, code: str, name: str, name_zh: str = "",
                     address: str = "") -> Warehouse:
    """A new stock location of `supplier`; the code is what spreadsheets name in their stock columns."""
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors = {}
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", code):
        errors["code"] = _("Use 1–32 lower-case letters, digits or hyphens, e.g. “hz” or “north-1”.")
    elif Warehouse.objects.filter(supplier=supplier, code=code).exists():
        errors["code"] = _("You already have a warehouse with the code “%(code)s”.") % {"code": code}
    if not name:
        errors["name"] = _("Name is required.")
    if errors:
        raise ValidationError(errors)
    warehouse = Warehouse.objects.create(supplier=supplier, code=code, name=name, name_zh=(name_zh or "").strip(),
                                         address=(address or "").strip())
    audit_record(action="warehouse.create", actor=actor, target=warehouse, changes={"code": code})
    return warehouse
