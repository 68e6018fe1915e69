"""Supplier portal finance: balances and statements (mounted at /supplier/finance/)."""

from django.urls import path

from settlement import portal_views as views

urlpatterns = [
    path("", views.SupplierFinanceView.as_view(), name="finance"),
    path("statement.csv", views.SupplierStatementCsv.as_view(), name="statement-csv"),
    path("statement.xlsx", views.SupplierStatementXlsx.as_view(), name="statement-xlsx"),
]
