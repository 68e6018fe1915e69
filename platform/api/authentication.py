"""`Authorization: Bearer <key>`: the request acts as the token's maker, for the token's one party."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.tokens import token_for_key


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as `Authorization: Bearer <token>`."))
        token = token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is unknown or has been revoked."))
        if not token.party.is_trading:
            raise exceptions.AuthenticationFailed(_("%(party)s is suspended; its tokens do not work.")
                                                  % {"party": token.party})
        if token.created_by is None or not token.created_by.is_active:
            raise exceptions.AuthenticationFailed(_("The person who made this token no longer has an active "
                                                    "account; make a new token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write a minute
        return token.created_by, token

    def authenticate_header(self, request):
        return self.keyword
