"""Isolation sweep: no party reaches another party's objects through any URL that takes an id."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.isolation import (
    OPERATOR_TARGETS,
    PARTY_USERS,
    PORTAL_TARGETS,
    POST_TARGETS,
    PUBLIC_TARGETS,
    TOKEN_TARGETS,
)

OUR_NAMESPACES = {"supplier", "distributor", "storeadmin", "portal", "onboarding", "storefront", "payments",
                  "notifications", "announcements"}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def our_id_urls() -> set[str]:
    """Every named URL of ours whose pattern captures an argument."""
    found = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        namespace, _, short = name.rpartition(":")
        ours = namespace.split(":")[0] in OUR_NAMESPACES or (namespace == "dashboard" and short.startswith("mp-"))
        if ours and pattern.pattern.converters:
            found.add(name)
    return found


def test_every_id_url_is_in_the_sweep():
    missing = (our_id_urls() - set(PORTAL_TARGETS) - set(OPERATOR_TARGETS) - set(TOKEN_TARGETS)
               - set(PUBLIC_TARGETS) - set(POST_TARGETS))
    assert not missing, f"add these id-taking URLs to tests/isolation.py: {sorted(missing)}"


@pytest.mark.parametrize("url_name", sorted(PORTAL_TARGETS))
def test_portal_user_gets_404_for_another_partys_object(url_name, signed_in):
    target = PORTAL_TARGETS[url_name]
    client = signed_in(target.actor)
    own = client.get(reverse(url_name, kwargs=target.own()))
    assert own.status_code == 200, "the actor must reach its own object, or the sweep proves nothing"
    for method in target.methods:
        foreign = getattr(client, method)(reverse(url_name, kwargs=target.foreign()))
        assert foreign.status_code == 404, f"{method.upper()} {url_name} leaked: {foreign.status_code}"


@pytest.mark.parametrize("url_name", sorted(POST_TARGETS))
def test_shopper_posts_reach_only_their_own_basket(url_name, signed_in):
    target = POST_TARGETS[url_name]
    client = signed_in(target.actor)
    own = client.post(reverse(url_name, kwargs=target.own()), {"quantity": 1})
    assert own.status_code == 302, "the actor must reach its own basket, or the sweep proves nothing"
    foreign = client.post(reverse(url_name, kwargs=target.foreign()), {"quantity": 1})
    assert foreign.status_code == 404, f"POST {url_name} leaked: {foreign.status_code}"


@pytest.mark.parametrize("url_name", sorted(OPERATOR_TARGETS))
@pytest.mark.parametrize("email", PARTY_USERS)
def test_party_users_never_reach_back_office_objects(url_name, email, signed_in):
    client = signed_in(email)
    url = reverse(url_name, kwargs=OPERATOR_TARGETS[url_name]())
    for method in ("get", "post"):
        response = getattr(client, method)(url, {"status": "suspended", "reason": "x"})
        assert response.status_code in {302, 404}, f"{email} {method.upper()} {url}: {response.status_code}"
        if response.status_code == 302:
            assert "/login/" in response["Location"]


def test_back_office_objects_are_reachable_by_the_operator(signed_in):
    client = signed_in("operator@demo.test")
    for url_name, kwargs in OPERATOR_TARGETS.items():
        if url_name.endswith("-detail"):
            assert client.get(reverse(url_name, kwargs=kwargs())).status_code == 200


@pytest.mark.parametrize("url_name", sorted(TOKEN_TARGETS) + sorted(PUBLIC_TARGETS))
@pytest.mark.parametrize("email", [None, *PARTY_USERS])
def test_wrong_tokens_reveal_nothing(url_name, email, signed_in):
    client = signed_in(email) if email else Client()
    target = TOKEN_TARGETS.get(url_name) or PUBLIC_TARGETS[url_name]
    assert client.get(reverse(url_name, kwargs=target.own())).status_code == 200, \
        "the real token must open the page, or the sweep proves nothing"
    for kwargs in target.wrong():
        response = client.get(reverse(url_name, kwargs=kwargs))
        assert response.status_code == 404, f"{url_name} {kwargs}: {response.status_code}"


def test_switching_to_someone_elses_membership_is_404(signed_in):
    from tests.isolation import membership_of

    client = signed_in("supplier@demo.test")
    foreign = membership_of("distributor@demo.test")
    response = client.post(reverse("portal:switch"), {"membership": foreign.pk})
    assert response.status_code == 404
    assert client.get(reverse("distributor:home")).status_code == 403


def test_portal_lists_show_only_own_party(signed_in):
    supplier = signed_in("supplier@demo.test").get(reverse("supplier:warehouse-list")).content.decode()
    assert "Hangzhou warehouse" in supplier and "Zhengzhou warehouse" not in supplier
    distributor = signed_in("distributor@demo.test").get(reverse("distributor:store-list")).content.decode()
    assert "Sunrise Online" in distributor and "Harbor Online" not in distributor
    team = signed_in("storeadmin@demo.test").get(reverse("storeadmin:member-list")).content.decode()
    assert "storeadmin@demo.test" in team and "shopstaff@demo.test" not in team
