"""How in-shop sales belong to parties (see parties.scoping): the shop that rang them up, and its owner."""

from parties.scoping import register_scope
from storefront.instore.models import InStoreSale

register_scope(InStoreSale, supplier="store__supplier", distributor="store__distributor", store="store")
