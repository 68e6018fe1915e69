"""Who ships what (see parties.scoping): a group belongs to the location that ships it. A supplier reaches the groups
of its warehouses, a store those of its own locations (a shop floor, a stock room), a distributor those of its
stores' locations. Parcels and waves follow their group and location."""

from parties.scoping import register_scope
from storefront.fulfilment.models import Parcel, Wave
from storefront.models import FulfilmentGroup, FulfilmentLine

register_scope(FulfilmentGroup, supplier="warehouse__supplier", store="warehouse__store",
               distributor="warehouse__store__distributor")
register_scope(FulfilmentLine, supplier="group__warehouse__supplier", store="group__warehouse__store",
               distributor="group__warehouse__store__distributor")
register_scope(Parcel, supplier="group__warehouse__supplier", store="group__warehouse__store",
               distributor="group__warehouse__store__distributor")
register_scope(Wave, supplier="location__supplier", store="location__store",
               distributor="location__store__distributor")
