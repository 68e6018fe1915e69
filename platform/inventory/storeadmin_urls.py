"""Store admin stock pages, under /store/stock/ (no namespace of their own: they join "storeadmin")."""

from inventory.urls import stock_patterns

urlpatterns = stock_patterns("storeadmin")
