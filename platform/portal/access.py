"""Which portal a user may enter, acting for which membership.

The chosen membership lives in the session (the party switcher sets it);
every portal view asks `resolve_membership` and then scopes its queries
with the membership's Scope. A temporary grant past its end is ignored the
moment it lapses (`memberships_of` sees memberships in force only).
"""

from dataclasses import dataclass

from django.utils import timezone
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
        lapsed = (Membership.all_objects.filter(user=user, **{f"{kind}__isnull": False}, expires_at__isnull=False)
                  .order_by("-expires_at").first() if user.is_authenticated else None)
        if lapsed is not None:
            raise PortalDenied(
                _("Your role at %(party)s ended on %(end)s. Ask its owner or a manager to give it again.")
                % {"party": lapsed.party, "end": f"{timezone.localtime(lapsed.expires_at):%Y-%m-%d %H:%M}"},
                title=_("Your access has ended"),
            )
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
