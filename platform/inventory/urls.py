"""Stock page URL patterns, shared by the two portals (see storeadmin_urls.py and supplier_urls.py)."""

from django.urls import path

from inventory.views import VIEWS


def stock_patterns(ns: str) -> list:
    views = VIEWS[ns]
    return [
        path("", views["stock"].as_view(), name="stock"),
        path("<int:pk>/", views["stock-detail"].as_view(), name="stock-detail"),
        path("alerts/", views["stock-alerts"].as_view(), name="stock-alerts"),
        path("reorder/", views["stock-reorder"].as_view(), name="stock-reorder"),
        path("transfers/", views["transfer-list"].as_view(), name="transfer-list"),
        path("transfers/new/", views["transfer-create"].as_view(), name="transfer-create"),
        path("transfers/<int:pk>/", views["transfer-detail"].as_view(), name="transfer-detail"),
    ]
