"""How counts belong to parties (see parties.scoping): through their location, like its stock rows."""

from inventory.stocktake.models import Stocktake, StocktakeEntry, StocktakeLine
from parties.scoping import register_scope

register_scope(Stocktake, supplier=("location__supplier", "location__store__supplier"),
               distributor="location__store__distributor", store="location__store")
register_scope(StocktakeLine, supplier=("stocktake__location__supplier", "stocktake__location__store__supplier"),
               distributor="stocktake__location__store__distributor", store="stocktake__location__store")
register_scope(StocktakeEntry, supplier=("line__stocktake__location__supplier",
                                         "line__stocktake__location__store__supplier"),
               distributor="line__stocktake__location__store__distributor", store="line__stocktake__location__store")
