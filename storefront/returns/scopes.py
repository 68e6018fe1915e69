"""How return requests belong to parties (see parties.scoping): the stores of their lines own them; the suppliers
of those lines see them; a distributor reaches those of its stores."""

from parties.scoping import register_scope
from storefront.returns.models import ReturnLine, ReturnRequest

register_scope(ReturnRequest, supplier="lines__line__supplier", distributor="lines__line__store__distributor",
               store="lines__line__store")
register_scope(ReturnLine, supplier="line__supplier", distributor="line__store__distributor", store="line__store")
