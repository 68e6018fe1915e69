"""Webhook pages, mounted in the supplier and store admin portals at integrations/webhooks/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES). One view per page; `view_in_party_portal` picks
the portal by the namespace the request came through."""

from django.urls import path

from portal.mixins import view_in_party_portal
from webhooks.views import PAGES

urlpatterns = [
    path("", view_in_party_portal(PAGES, "webhook-list"), name="webhook-list"),
    path("new/", view_in_party_portal(PAGES, "webhook-create"), name="webhook-create"),
    path("<int:pk>/", view_in_party_portal(PAGES, "webhook-detail"), name="webhook-detail"),
    path("<int:pk>/edit/", view_in_party_portal(PAGES, "webhook-edit"), name="webhook-edit"),
    path("<int:pk>/delete/", view_in_party_portal(PAGES, "webhook-delete"), name="webhook-delete"),
    path("<int:pk>/test/", view_in_party_portal(PAGES, "webhook-test"), name="webhook-test"),
    path("deliveries/<int:pk>/", view_in_party_portal(PAGES, "delivery-detail"), name="delivery-detail"),
    path("deliveries/<int:pk>/retry/", view_in_party_portal(PAGES, "delivery-retry"), name="delivery-retry"),
]
