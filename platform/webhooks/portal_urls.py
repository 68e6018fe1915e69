"""Webhook pages, mounted in the supplier and store admin portals at integrations/webhooks/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES)."""

from django.urls import path

from portal.views import placeholder  # PLACEHOLDER: the webhooks helper replaces these views

urlpatterns = [
    path("", placeholder, name="webhook-list"),
    path("new/", placeholder, name="webhook-create"),
    path("<int:pk>/", placeholder, name="webhook-detail"),
    path("<int:pk>/edit/", placeholder, name="webhook-edit"),
    path("<int:pk>/delete/", placeholder, name="webhook-delete"),
    path("<int:pk>/test/", placeholder, name="webhook-test"),
    path("deliveries/<int:pk>/", placeholder, name="delivery-detail"),
    path("deliveries/<int:pk>/retry/", placeholder, name="delivery-retry"),
]
