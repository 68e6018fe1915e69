"""Cross-store product performance (mounted by reports.operator_urls in the back-office)."""

from django.urls import path


def product_urls() -> list:
    from reports.products_views import ProductPerformanceView

    return [path("analytics/products/", ProductPerformanceView.as_view(), name="mp-product-performance")]
