"""Tells drf-spectacular how our bearer tokens look, so the schema and the interactive page offer them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A token made in the supplier or store portal (API tokens page)."}


def only_api_v1(endpoints, **kwargs):
    """The schema describes /api/v1/ only (Wagtail's admin API views are not ours to publish)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
