"""A request rate per token (REST_FRAMEWORK's "token" rate, API_RATE_LIMIT), counted in the default cache under the
token's random prefix (not its id, which a database may hand out again)."""

from rest_framework.throttling import SimpleRateThrottle

from api.permissions import request_token


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = request_token(request)
        return None if token is None else self.cache_format % {"scope": self.scope, "ident": token.prefix}
