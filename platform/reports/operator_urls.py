"""Analytics pages in the back-office (PLACEHOLDER stubs: the reports helper replaces them)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def report_urls() -> list:
    from reports.product_urls import product_urls

    return product_urls() + [
        path("analytics/", _placeholder, name="mp-analytics-overview"),
        path("analytics/contribution/", _placeholder, name="mp-contribution"),
    ]
