"""API token pages, mounted in the supplier and store admin portals at integrations/api/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES)."""

from django.urls import path

from api.portal_views import PAGES
from portal.mixins import view_in_party_portal

urlpatterns = [
    path("", view_in_party_portal(PAGES, "api-token-list"), name="api-token-list"),
    path("new/", view_in_party_portal(PAGES, "api-token-create"), name="api-token-create"),
    path("<int:pk>/revoke/", view_in_party_portal(PAGES, "api-token-revoke"), name="api-token-revoke"),
]
