"""Stocktake URL patterns, the same for both portals (see storeadmin_urls.py and supplier_urls.py)."""

from django.urls import path


def stocktake_urlpatterns(views: dict[str, type]) -> list:
    return [
        path("", views["stocktake-list"].as_view(), name="stocktake-list"),
        path("new/", views["stocktake-start"].as_view(), name="stocktake-start"),
        path("<int:pk>/", views["stocktake-detail"].as_view(), name="stocktake-detail"),
        path("<int:pk>/variance/", views["stocktake-variance"].as_view(), name="stocktake-variance"),
        path("<int:pk>/cancel/", views["stocktake-cancel"].as_view(), name="stocktake-cancel"),
    ]
