"""Store stocktake pages, under /store/stocktakes/ (no namespace of their own: they join "storeadmin")."""

from django.urls import path

from inventory.stocktake import views

urlpatterns = [
    path("", views.StoreStocktakeListView.as_view(), name="stocktake-list"),
    path("new/", views.StoreStocktakeStartView.as_view(), name="stocktake-start"),
    path("<int:pk>/", views.StoreStocktakeDetailView.as_view(), name="stocktake-detail"),
    path("<int:pk>/variance/", views.StoreStocktakeVarianceView.as_view(), name="stocktake-variance"),
    path("<int:pk>/cancel/", views.StoreStocktakeCancelView.as_view(), name="stocktake-cancel"),
]
