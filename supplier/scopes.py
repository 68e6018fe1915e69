"""How catalogue rows belong to suppliers, for the scoping helper."""

from parties.scoping import register_scope
from supplier.models import ImportJob, SupplierProduct

register_scope(SupplierProduct, supplier="supplier")
register_scope(ImportJob, supplier="supplier")
