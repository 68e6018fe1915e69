"""Supplier return pages, under /supplier/returns/ (no namespace of their own: they join "supplier")."""

from django.urls import path

from storefront.returns import views

urlpatterns = [
    path("", views.SupplierReturnListView.as_view(), name="return-list"),
    path("<int:pk>/", views.SupplierReturnDetailView.as_view(), name="return-detail"),
]
