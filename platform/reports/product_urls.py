"""Cross-store product performance (PLACEHOLDER stub: the customers/products helper replaces it)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def product_urls() -> list:
    return [path("analytics/products/", _placeholder, name="mp-product-performance")]
