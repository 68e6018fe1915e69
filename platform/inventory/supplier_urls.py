"""Supplier stock pages, under /supplier/stock/ (no namespace of their own: they join "supplier")."""

from inventory.urls import stock_patterns

urlpatterns = stock_patterns("supplier")
