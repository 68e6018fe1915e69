"""Isolation-sweep entries of issue 10's api_tokens pages (owned by their helper), merged into tests/isolation.py.

`PORTAL_ENTRIES`: {url name: keyword arguments of `PortalTarget`}; `OPERATOR_ENTRIES`: url name → callable giving
the URL kwargs (see tests/isolation_grants.py for the shape). The demo has no tokens: each target makes (once) a
token of its party through the service the portal uses.
"""

from collections.abc import Callable


def _token(kind: str, slug: str) -> dict:
    from django.contrib.auth import get_user_model

    from api.models import ApiToken
    from api.tokens import api_token_create
    from parties.models import Store, Supplier

    party = (Supplier if kind == "supplier" else Store).objects.get(slug=slug)
    token = ApiToken.objects.filter(**{kind: party}, name="isolation sweep").first()
    if token is None:
        maker = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
        token, _key = api_token_create(party=party, name="isolation sweep", access="read", actor=maker)
    return {"pk": token.pk}


PORTAL_ENTRIES: dict[str, dict] = {
    "supplier:api-token-revoke": {
        "actor": "supplier@demo.test",
        "own": lambda: _token("supplier", "green-leaf-tea"),
        "foreign": lambda: _token("supplier", "golden-grain"),
        "methods": ("get", "post"),
    },
    "storeadmin:api-token-revoke": {
        "actor": "storeadmin@demo.test",
        "own": lambda: _token("store", "sunrise-online"),
        "foreign": lambda: _token("store", "sunrise-nanjing-road"),
        "methods": ("get", "post"),
    },
}

OPERATOR_ENTRIES: dict[str, Callable[[], dict]] = {}
