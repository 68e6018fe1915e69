"""Which portal a user may enter, acting for which membership.

The chosen membership lives in the session (the party switcher sets it);
every portal view asks `resolve_membership` and then scopes its queries
with the membership's Scope.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from parties.models import Membership, PartyKind
from parties.scoping import Scope
from parties.selectors import memberships_of

SESSION_KEY = "mp_active_membership"

PORTAL_URLS = {
    PartyKind.SUPPLIER: "supplier:home",
    PartyKind.DISTRIBUTOR: "distributor:home",
    PartyKind.STORE: "storeadmin:home",
}


class PortalDenied(Exception):
    """The user may not enter this portal; `message` says why in words they can act on."""

    def __init__(self, message: str, *, title: str):
        super().__init__(message)
        self.message = message
        self.title = title


class ChooseMembership(Exception):
    """The user holds several memberships of this kind and has not picked one."""


@dataclass(frozen=True)
class PortalContext:
    kind: str
    membership: Membership
    scope: Scope


def resolve_membership(*, user, session, kind: str) -> PortalContext:
    memberships = [m for m in memberships_of(user=user) if m.kind == kind]
    if not memberships:
        raise PortalDenied(
            _("Your account has no %(kind)s role. Ask the %(kind)s's owner or the marketplace operator "
              "to add you.") % {"kind": PartyKind(kind).label.lower()},
            title=_("No access to this portal"),
        )
    active_id = session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.pk == active_id), None)
    if chosen is None:
        if len(memberships) > 1:
            raise ChooseMembership()
        chosen = memberships[0]
        session[SESSION_KEY] = chosen.pk
    if not chosen.party_is_active:
        party = chosen.party
        reason = getattr(party, "status_reason", "") or getattr(getattr(party, "owner", None), "status_reason", "")
        raise PortalDenied(
            _("%(party)s is suspended by the marketplace operator. %(reason)s")
            % {"party": party, "reason": reason},
            title=_("Account suspended"),
        )
    return PortalContext(kind=kind, membership=chosen, scope=Scope.for_membership(chosen))


def portal_choices(*, user) -> list[dict]:
    """Every portal entry the user may pick: the back-office for staff, then each membership."""
    choices = []
    if user.is_authenticated and user.is_staff:
        choices.append({"kind": "operator", "membership": None, "label": _("Operator back-office")})
    for membership in memberships_of(user=user):
        choices.append({"kind": membership.kind, "membership": membership, "label": str(membership.party)})
    return choices
