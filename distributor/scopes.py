"""How distributor rows belong to parties (see parties.scoping)."""

from distributor.models import Listing, TeamInvitation, TeamLink
from parties.scoping import register_scope

register_scope(Listing, supplier="store__supplier", distributor="store__distributor", store="store")
register_scope(TeamInvitation, distributor="inviter")
register_scope(TeamLink, distributor=("distributor", "upline"))
