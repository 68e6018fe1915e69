"""The supplier's withdrawals page, under /supplier/finance/withdrawals/ (joins the "supplier" namespace)."""

from django.urls import path

from settlement.withdrawals.views import SUPPLIER_VIEWS

urlpatterns = [
    path("", SUPPLIER_VIEWS["withdrawal-list"].as_view(), name="withdrawal-list"),
]
