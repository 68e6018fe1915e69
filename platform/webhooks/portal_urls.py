"""Webhook pages, mounted in the supplier and store admin portals at integrations/webhooks/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES). One view per page; `portal_view` picks the
portal by the namespace the request came through."""

from django.urls import path

from webhooks.views import portal_view

urlpatterns = [
    path("", portal_view("webhook-list"), name="webhook-list"),
    path("new/", portal_view("webhook-create"), name="webhook-create"),
    path("<int:pk>/", portal_view("webhook-detail"), name="webhook-detail"),
    path("<int:pk>/edit/", portal_view("webhook-edit"), name="webhook-edit"),
    path("<int:pk>/delete/", portal_view("webhook-delete"), name="webhook-delete"),
    path("<int:pk>/test/", portal_view("webhook-test"), name="webhook-test"),
    path("deliveries/<int:pk>/", portal_view("delivery-detail"), name="delivery-detail"),
    path("deliveries/<int:pk>/retry/", portal_view("delivery-retry"), name="delivery-retry"),
]
