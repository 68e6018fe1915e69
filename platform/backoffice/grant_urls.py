"""Temporary grants in the back-office (PLACEHOLDER stub: the permissions helper replaces it)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def grant_urls() -> list:
    return [path("grants/", _placeholder, name="mp-grant-list")]
