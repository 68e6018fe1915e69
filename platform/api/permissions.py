"""Who may call what: a token is needed; writes need a read/write token; some resources are for one party kind."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


def request_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenAccess(permissions.BasePermission):
    """Any valid token reads; only a read/write token writes."""

    message = _("This token may only read. Make a read and write token in your portal to change data.")

    def has_permission(self, request, view):
        token = request_token(request)
        if token is None:
            self.message = _("Send an API token: `Authorization: Bearer <token>`.")
            return False
        return request.method in permissions.SAFE_METHODS or token.can_write


class SupplierToken(TokenAccess):
    """A supplier's token (on top of TokenAccess)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request_token(request).party_kind != "supplier":
            self.message = _("Only a supplier's token may use this.")
            return False
        return True


class StoreToken(TokenAccess):
    """A store's token (on top of TokenAccess)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request_token(request).party_kind != "store":
            self.message = _("Only a store's token may use this.")
            return False
        return True
