"""API resource: statements (placeholder until its helper fills it in)."""


def register(router) -> None:
    """Add this module's viewsets to the /api/v1/ router."""
