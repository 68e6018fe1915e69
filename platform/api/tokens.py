"""Making, checking and revoking API tokens: `mp_<prefix>_<secret>`, of which only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from audit.services import audit_record
from parties.models import Store, Supplier


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, party: Supplier | Store, name: str, access: str, actor) -> tuple[ApiToken, str]:
    """A new token for `party`; returns it and its key, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, such as the system that will use it."))
    if access not in ApiToken.Access.values:
        raise ValidationError(_("Choose read only or read and write."))
    if not isinstance(party, Supplier | Store):
        raise ValidationError(_("API tokens are made for one supplier or one store."))
    prefix = secrets.token_hex(4)
    key = f"mp_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[:80], access=access, prefix=prefix, key_hash=key_hash(key), created_by=actor,
            supplier=party if isinstance(party, Supplier) else None, store=party if isinstance(party, Store) else None)
        audit_record(actor=actor, action="api_token.create", target=token,
                     changes={"name": token.name, "access": access}, party=party)
    return token, key


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """The token stops working at once; revoking it twice changes nothing."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now(),
                                                                             revoked_by=actor)
        token.refresh_from_db()
        if updated:
            audit_record(actor=actor, action="api_token.revoke", target=token, changes={"name": token.name},
                         party=token.party)
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The active token with this key, its party loaded; None for an unknown or revoked key."""
    if not key.startswith("mp_"):
        return None
    return (ApiToken.objects.select_related("supplier", "store__distributor", "store__supplier", "created_by")
            .filter(key_hash=key_hash(key), revoked_at=None).first())
