"""Operator accounts in the back-office (staff only, see backoffice.apps)."""

from django.urls import path


def operator_urls() -> list:
    from backoffice.operator_views import OperatorListView, OperatorStatusView

    return [
        path("operators/", OperatorListView.as_view(), name="mp-operator-list"),
        path("operators/<int:pk>/status/", OperatorStatusView.as_view(), name="mp-operator-status"),
    ]
