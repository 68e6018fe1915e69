"""Applications belong to the party they created; plans to no party, so only the operator scope sees them."""

from onboarding.models import Application
from parties.models import Plan
from parties.scoping import register_scope

register_scope(Application, supplier="supplier", distributor="distributor")
register_scope(Plan)
