"""Shared helpers of the API tests: a token for a demo party and a client that sends it.

API isolation entries (tests/api_isolation_*.py, swept by tests/test_api_isolation.py) have the shape
{url name: {"party": callable → the acting Supplier or Store, "own": callable → URL kwargs of one of its objects,
"foreign": callable → URL kwargs of another party's object, "methods": ("get",) or more}}.
"""

from rest_framework.test import APIClient

from api.tokens import api_token_create


def demo_supplier(slug: str = "green-leaf-tea"):
    from parties.models import Supplier

    return Supplier.objects.get(slug=slug)


def demo_store(slug: str = "sunrise-online"):
    from parties.models import Store

    return Store.objects.get(slug=slug)


def token_key(party, *, access: str = "write", name: str = "test ERP") -> str:
    """A fresh token for `party` ("read" or "write"); returns the key, as the portal shows it once."""
    from django.contrib.auth import get_user_model

    maker = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    _token, key = api_token_create(party=party, name=name, access=access, actor=maker)
    return key


def api_client(key: str | None = None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def error_of(response) -> dict:
    """The `error` object of an API error answer, checking the one shape every error has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "details"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]
