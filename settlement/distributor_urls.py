"""Distributor portal finance: balances and statements (mounted at /distributor/finance/)."""

from django.urls import path

from settlement import portal_views as views

urlpatterns = [
    path("", views.DistributorFinanceView.as_view(), name="finance"),
    path("statement.csv", views.DistributorStatementCsv.as_view(), name="statement-csv"),
    path("statement.xlsx", views.DistributorStatementXlsx.as_view(), name="statement-xlsx"),
]
