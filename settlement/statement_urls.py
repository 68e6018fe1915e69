"""Operator statement pages in the back-office (reversed as dashboard:mp-statement-...)."""

from django.urls import path


def operator_statement_urls() -> list:
    from settlement import operator_statement_views as views

    party = "finance/statements/<str:kind>/<int:pk>/"
    return [
        path("finance/statements/", views.StatementPartyListView.as_view(), name="mp-statement-parties"),
        path(party, views.StatementPartyView.as_view(), name="mp-statement-party"),
        path(f"{party}statement.csv", views.StatementPartyCsv.as_view(), name="mp-statement-party-csv"),
        path(f"{party}statement.xlsx", views.StatementPartyXlsx.as_view(), name="mp-statement-party-xlsx"),
    ]
