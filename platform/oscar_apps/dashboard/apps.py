"""Forked oscar dashboard: the operator back-office extends it with the platform pages."""

import oscar.apps.dashboard.apps as apps
from django.apps import apps as django_apps
from django.urls import include, path


class DashboardConfig(apps.DashboardConfig):
    name = "oscar_apps.dashboard"

    def ready(self):
        super().ready()
        self.backoffice_app = django_apps.get_app_config("mp_backoffice")

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls([path("platform/", include(self.backoffice_app.urls[0]))])
        return urls
