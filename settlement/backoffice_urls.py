"""The operator's finance pages: overview, settlement runs, commission rules and their preview."""

from django.db import transaction
from django.urls import path


def finance_urls() -> list:
    from settlement import backoffice_views as views

    return [
        path("finance/overview/", views.FinanceOverviewView.as_view(), name="mp-finance-overview"),
        # non-atomic: the run it starts commits chunk by chunk and refuses to run inside a transaction
        path("finance/runs/", transaction.non_atomic_requests(views.SettlementRunsView.as_view()),
             name="mp-settlement-runs"),
        path("finance/commission-rules/", views.CommissionRulesView.as_view(), name="mp-commission-rules"),
        path("finance/commission-rules/preview/", views.CommissionPreviewView.as_view(),
             name="mp-commission-preview"),
    ]
