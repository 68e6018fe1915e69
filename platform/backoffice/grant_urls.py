"""Temporary grants in the back-office (views in backoffice.grant_views)."""

from django.urls import path


def grant_urls() -> list:
    from backoffice import grant_views

    return [
        path("grants/", grant_views.GrantListView.as_view(), name="mp-grant-list"),
        path("grants/new/", grant_views.GrantCreateView.as_view(), name="mp-grant-create"),
        path("grants/<int:pk>/revoke/", grant_views.GrantRevokeView.as_view(), name="mp-grant-revoke"),
    ]
