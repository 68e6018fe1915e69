"""Operator accounts in the back-office (PLACEHOLDER stub: the management helper replaces it)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder")


def operator_urls() -> list:
    return [path("operators/", _placeholder, name="mp-operator-list")]
