"""How ledger rows belong to parties (see parties.scoping): an account to its supplier or distributor."""

from parties.scoping import register_scope
from settlement.models import Account, Posting

register_scope(Account, supplier="supplier", distributor="distributor")
register_scope(Posting, supplier="account__supplier", distributor="account__distributor")
