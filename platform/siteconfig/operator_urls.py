"""Marketplace settings in the back-office (PLACEHOLDER stubs: the settings helper replaces them)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def config_urls() -> list:
    return [
        path("settings/", _placeholder, name="mp-settings"),
    ]
