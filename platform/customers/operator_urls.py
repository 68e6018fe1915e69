"""Customer pages in the back-office (mounted by backoffice.apps under /shop/dashboard/platform/)."""

from django.urls import path


def customer_urls() -> list:
    from customers import operator_views as views

    return [
        path("customers/", views.CustomerListView.as_view(), name="mp-customer-list"),
        path("customers/<int:pk>/", views.CustomerDetailView.as_view(), name="mp-customer-detail"),
        path("customers/<int:pk>/merge/", views.CustomerMergeView.as_view(), name="mp-customer-merge"),
    ]
