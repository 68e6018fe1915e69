"""How withdrawal rows belong to parties (see parties.scoping)."""

from parties.scoping import register_scope
from settlement.withdrawals.models import PayoutAccount, Withdrawal

register_scope(Withdrawal, supplier="supplier", distributor="distributor")
register_scope(PayoutAccount, supplier="supplier", distributor="distributor")
