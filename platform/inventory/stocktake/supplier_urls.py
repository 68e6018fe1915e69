"""Supplier stocktake pages, under /supplier/stocktakes/ (no namespace of their own: they join "supplier")."""

from django.urls import path

from inventory.stocktake import views

urlpatterns = [
    path("", views.SupplierStocktakeListView.as_view(), name="stocktake-list"),
    path("new/", views.SupplierStocktakeStartView.as_view(), name="stocktake-start"),
    path("<int:pk>/", views.SupplierStocktakeDetailView.as_view(), name="stocktake-detail"),
    path("<int:pk>/variance/", views.SupplierStocktakeVarianceView.as_view(), name="stocktake-variance"),
    path("<int:pk>/cancel/", views.SupplierStocktakeCancelView.as_view(), name="stocktake-cancel"),
]
