"""Customer pages in the back-office (PLACEHOLDER stubs: the customers helper replaces them)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def customer_urls() -> list:
    return [
        path("customers/", _placeholder, name="mp-customer-list"),
        path("customers/<int:pk>/", _placeholder, name="mp-customer-detail"),
    ]
