"""Store stocktake pages, under /store/stocktakes/ (no namespace of their own: they join "storeadmin")."""

from inventory.stocktake.urls import stocktake_urlpatterns
from inventory.stocktake.views import STORE_VIEWS

urlpatterns = stocktake_urlpatterns(STORE_VIEWS)
