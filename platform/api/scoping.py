"""The API's one way to scope a query: the token's party, through parties.scoping like every portal page."""

from django.db.models import QuerySet

from api.permissions import request_token
from parties.scoping import Scope, scoped


def token_scope(request) -> Scope:
    """What the request's token reaches: its supplier (with the supplier's own stores) or its one store."""
    token = request_token(request)
    return Scope.for_party(token.party) if token is not None else Scope.nothing()


def token_scoped(queryset: QuerySet, request) -> QuerySet:
    return scoped(queryset, scope=token_scope(request))
