"""How the party models themselves are scoped (other apps register theirs the same way)."""

from parties.models import Distributor, Membership, Store, Supplier, Warehouse
from parties.scoping import register_scope

register_scope(Supplier, supplier="pk")
register_scope(Distributor, distributor="pk")
register_scope(Store, supplier="supplier", distributor="distributor", store="pk")
register_scope(Warehouse, supplier=("supplier", "store__supplier"), distributor="store__distributor", store="store")
register_scope(Membership, supplier=("supplier", "store__supplier"),
               distributor=("distributor", "store__distributor"), store="store")
