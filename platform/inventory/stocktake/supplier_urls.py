"""Supplier stocktake pages, under /supplier/stocktakes/ (no namespace of their own: they join "supplier")."""

from inventory.stocktake.urls import stocktake_urlpatterns
from inventory.stocktake.views import SUPPLIER_VIEWS

urlpatterns = stocktake_urlpatterns(SUPPLIER_VIEWS)
