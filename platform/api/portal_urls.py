"""API token pages, mounted in the supplier and store admin portals at integrations/api/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES)."""

from django.urls import path

from api.portal_views import portal_view

urlpatterns = [
    path("", portal_view("api-token-list"), name="api-token-list"),
    path("new/", portal_view("api-token-create"), name="api-token-create"),
    path("<int:pk>/revoke/", portal_view("api-token-revoke"), name="api-token-revoke"),
]
