from inventory.models import StockAlert, StockMovement, Transfer, TransferLine
from parties.scoping import register_scope
from supplier.models import WarehouseStock

register_scope(WarehouseStock, supplier=("warehouse__supplier", "warehouse__store__supplier"),
               distributor="warehouse__store__distributor", store="warehouse__store")
register_scope(StockMovement, supplier=("stock__warehouse__supplier", "stock__warehouse__store__supplier"),
               distributor="stock__warehouse__store__distributor", store="stock__warehouse__store")
register_scope(StockAlert, supplier=("stock__warehouse__supplier", "stock__warehouse__store__supplier"),
               distributor="stock__warehouse__store__distributor", store="stock__warehouse__store")
# A transfer is reachable from either end: the party that sent it and the one that receives it.
register_scope(Transfer,
               supplier=("from_location__supplier", "from_location__store__supplier",
                         "to_location__supplier", "to_location__store__supplier"),
               distributor=("from_location__store__distributor", "to_location__store__distributor"),
               store=("from_location__store", "to_location__store"))
register_scope(TransferLine,
               supplier=("transfer__from_location__supplier", "transfer__from_location__store__supplier",
                         "transfer__to_location__supplier", "transfer__to_location__store__supplier"),
               distributor=("transfer__from_location__store__distributor",
                            "transfer__to_location__store__distributor"),
               store=("transfer__from_location__store", "transfer__to_location__store"))
