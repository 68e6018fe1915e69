"""Marketplace settings in the back-office (mounted by backoffice.apps; staff only)."""

from django.urls import path


def config_urls() -> list:
    from siteconfig.views import SettingsView

    return [
        path("settings/", SettingsView.as_view(), name="mp-settings"),
    ]
