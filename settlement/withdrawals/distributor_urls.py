"""The distributor's withdrawals page, under /distributor/finance/withdrawals/ (joins the "distributor" namespace)."""

from django.urls import path

from settlement.withdrawals.views import DISTRIBUTOR_VIEWS

urlpatterns = [
    path("", DISTRIBUTOR_VIEWS["withdrawal-list"].as_view(), name="withdrawal-list"),
]
