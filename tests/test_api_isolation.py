"""The API isolation sweep: every /api/v1/ URL that takes an id is listed in tests/api_isolation_catalogue.py or
tests/api_isolation_orders.py, and for each, a token of the acting party reaches its own object (2xx) and gets 404,
in the one error shape, for another party's, with every method the entry lists."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api_helpers import api_client, error_of, token_key
from tests.api_isolation_catalogue import ENTRIES as CATALOGUE_ENTRIES
from tests.api_isolation_orders import ENTRIES as ORDER_ENTRIES

# keys are URL names, "api:order-detail" (a bare "order-detail" is read in the api namespace too)
ENTRIES = {(name if ":" in name else f"api:{name}"): entry for name, entry in {**CATALOGUE_ENTRIES,
                                                                              **ORDER_ENTRIES}.items()}


def _patterns(resolver, prefix: str):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}:{pattern.name}", pattern


def id_taking_api_urls() -> set[str]:
    """The names of the `api:` URLs with a path argument (an object's id)."""
    _prefix, api = get_resolver().namespace_dict["api"]
    names = set()
    for name, pattern in _patterns(api, "api"):
        route = pattern.pattern
        takes_argument = bool(getattr(route, "converters", None)) or bool(route.regex.groupindex)
        if takes_argument:
            names.add(name)
    return names


def test_every_id_taking_api_url_is_in_the_sweep():
    missing = sorted(id_taking_api_urls() - set(ENTRIES))
    assert not missing, f"add these to tests/api_isolation_catalogue.py or tests/api_isolation_orders.py: {missing}"
    assert "api:product-detail" in ENTRIES and "api:stock-detail" in ENTRIES


def _send(client, method: str, url: str, body):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_own_object_reached_foreign_object_404(demo, name):
    entry = ENTRIES[name]
    client = api_client(token_key(entry["party"](), access="write"))
    body = entry.get("body", dict)
    for method in entry.get("methods", ("get",)):
        own = _send(client, method, reverse(name, kwargs=entry["own"]()), body())
        assert 200 <= own.status_code < 300, (name, method, own.status_code, own.content[:300])
        foreign = _send(client, method, reverse(name, kwargs=entry["foreign"]()), body())
        assert foreign.status_code == 404, (name, method, foreign.status_code, foreign.content[:300])
        assert error_of(foreign)["code"] == "not_found"


@pytest.mark.django_db
def test_malformed_ids_and_text_get_clear_refusals_not_errors(demo):
    from tests.api_helpers import demo_supplier

    client = api_client(token_key(demo_supplier()))
    for url in ("/api/v1/products/abc/", "/api/v1/stock/99999999999999999999999/"):
        response = client.get(url)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found", url
    nul = client.get("/api/v1/stock/", {"sku": "A\x00B"})
    assert nul.status_code == 400 and "NUL" in error_of(nul)["message"]
    huge = client.get("/api/v1/stock/", {"location": "9" * 30})
    assert huge.status_code == 400 and "location" in error_of(huge)["details"]
    bad = client.post("/api/v1/stock/bulk/", {"location": 2**70, "mode": "set", "reason": "x\x00",
                                              "items": [{"sku": "A", "quantity": 1}]}, format="json")
    assert bad.status_code == 400 and set(error_of(bad)["details"]) == {"location", "reason"}
