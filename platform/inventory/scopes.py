from inventory.models import StockAlert, StockMovement
from parties.scoping import register_scope
from supplier.models import WarehouseStock

register_scope(WarehouseStock, supplier=("warehouse__supplier", "warehouse__store__supplier"),
               distributor="warehouse__store__distributor", store="warehouse__store")
register_scope(StockMovement, supplier=("stock__warehouse__supplier", "stock__warehouse__store__supplier"),
               distributor="stock__warehouse__store__distributor", store="stock__warehouse__store")
register_scope(StockAlert, supplier=("stock__warehouse__supplier", "stock__warehouse__store__supplier"),
               distributor="stock__warehouse__store__distributor", store="stock__warehouse__store")
