"""API token pages, mounted in the supplier and store admin portals at integrations/api/ (names in their
namespace; capability: parties.capabilities INTEGRATION_PAGES)."""

from django.urls import path

from portal.views import placeholder  # PLACEHOLDER: the tokens helper replaces these views

urlpatterns = [
    path("", placeholder, name="api-token-list"),
    path("new/", placeholder, name="api-token-create"),
    path("<int:pk>/revoke/", placeholder, name="api-token-revoke"),
]
