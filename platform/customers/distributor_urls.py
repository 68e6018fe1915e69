"""Distributor portal: its shoppers (mounted at /distributor/customers/, in the "distributor" namespace)."""

from django.urls import path

from customers import distributor_views as views

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
]
