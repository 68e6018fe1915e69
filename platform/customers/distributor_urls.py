"""Distributor portal: its shoppers (PLACEHOLDER stubs: the customers helper replaces them)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


urlpatterns = [
    path("", _placeholder, name="customer-list"),
    path("<int:pk>/", _placeholder, name="customer-detail"),
]
