"""Every API error answers in one JSON shape ({"error": {status, code, message, details}}): a bad filter (400), no
or a revoked token (401), a read-only token writing (403), another party's or an unknown object (404), a wrong
method (405), a reused idempotency key (409), too many requests (429) and addresses under /api/ that do not exist."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from api.models import ApiToken
from api.throttling import TokenRateThrottle
from api.tokens import api_token_revoke
from parties.scoping import Scope
from storefront.fulfilment.selectors import fulfilment_groups
from tests.api_helpers import api_client, demo_store, demo_supplier, error_of, token_key


@pytest.fixture
def supplier_key(demo):
    return token_key(demo_supplier("green-leaf-tea"))


def test_400_a_bad_filter(supplier_key):
    response = api_client(supplier_key).get("/api/v1/fulfilment-groups/?placed_after=last-week")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid" and "placed_after" in error["message"] and "placed_after" in error["details"]


def test_400_a_bad_body_names_the_field(supplier_key):
    group = fulfilment_groups(scope=Scope.for_party(demo_supplier("green-leaf-tea"))).first()
    response = api_client(supplier_key).post(f"/api/v1/fulfilment-groups/{group.pk}/ship/",
                                             {"carrier": "SF", "tracking_number": "T1", "quantities": "all"},
                                             format="json")
    assert response.status_code == 400
    assert "quantities" in error_of(response)["details"]


def test_401_without_a_token_or_with_a_revoked_one(supplier_key):
    response = api_client().get("/api/v1/orders/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated" and response["WWW-Authenticate"] == "Bearer"
    token = ApiToken.objects.get(prefix=supplier_key.split("_")[1])
    api_token_revoke(token=token, actor=get_user_model().objects.get(email="supplier@demo.test"))
    response = api_client(supplier_key).get("/api/v1/orders/")
    assert response.status_code == 401 and "revoked" in error_of(response)["message"]
    response = api_client("mp_nothing_here").get("/api/v1/orders/")
    assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"


def test_403_a_read_token_writes(demo):
    group = fulfilment_groups(scope=Scope.for_party(demo_supplier("green-leaf-tea"))).first()
    client = api_client(token_key(demo_supplier("green-leaf-tea"), access="read"))
    response = client.post(f"/api/v1/fulfilment-groups/{group.pk}/ship/", {"carrier": "SF", "tracking_number": "1"},
                           format="json")
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    assert group.parcels.count() == 0


def test_404_unknown_and_foreign_objects_and_unknown_addresses(supplier_key):
    client = api_client(supplier_key)
    for url in ("/api/v1/orders/NO-SUCH-ORDER/", "/api/v1/fulfilment-groups/999999999/", "/api/v1/returns/0/"):
        response = client.get(url)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found", url
    for url in ("/api/v1/no-such-resource/", "/api/v2/orders/", "/api/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert error_of(response)["message"] == "There is nothing at this address."


def test_405_a_method_the_resource_does_not_take(supplier_key):
    client = api_client(supplier_key)
    for method, url in (("delete", "/api/v1/orders/"), ("put", "/api/v1/statements/"),
                        ("get", "/api/v1/fulfilment-groups/1/ship/")):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert error_of(response)["code"] == "method_not_allowed"


def test_409_an_idempotency_key_reused_with_another_body(supplier_key):
    group = fulfilment_groups(scope=Scope.for_party(demo_supplier("green-leaf-tea"))).first()
    client = api_client(supplier_key)
    url = f"/api/v1/fulfilment-groups/{group.pk}/ship/"
    first = client.post(url, {"carrier": "SF", "tracking_number": "K1"}, format="json", HTTP_IDEMPOTENCY_KEY="k-409")
    assert first.status_code == 201, first.content
    response = client.post(url, {"carrier": "SF", "tracking_number": "K2"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="k-409")
    assert response.status_code == 409 and error_of(response)["code"] == "idempotency_key_reused"
    assert group.parcels.count() == 1


def test_429_too_many_requests_says_when_to_retry(monkeypatch, demo):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    client = api_client(token_key(demo_store("sunrise-online")))
    assert [client.get("/api/v1/returns/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/returns/")
    assert response.status_code == 429
    error = error_of(response)
    assert error["code"] == "throttled" and 0 < error["details"]["retry_after"] <= 60
    assert int(response["Retry-After"]) == error["details"]["retry_after"]
    other = api_client(token_key(demo_store("sunrise-online"), name="another ERP"))
    assert other.get("/api/v1/returns/").status_code == 200  # counted per token
    cache.clear()
