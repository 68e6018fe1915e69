"""API token pages in the supplier and store admin portals: made (key shown once), listed, revoked; the key works
until revoked; another party's token is out of reach; a role without the integrations capability is refused."""

import re

import pytest

from api.models import ApiToken
from audit.models import AuditEvent
from tests.api_helpers import api_client, error_of

pytestmark = pytest.mark.django_db

KEY = re.compile(r'id="new-key"[^>]*value="(mp_[0-9a-f]{8}_[^"]+)"')


def make_token(client, base: str, name: str, access: str = "read"):
    response = client.post(f"{base}new/", {"name": name, "access": access})
    assert response.status_code == 200
    match = KEY.search(response.content.decode())
    assert match, "the new key is shown on the answer to the POST"
    return response, match.group(1)


@pytest.mark.parametrize("email, base, party", [
    ("supplier@demo.test", "/supplier/integrations/api/", "green-leaf-tea"),
    ("storeadmin@demo.test", "/store/integrations/api/", "sunrise-online"),
])
def test_token_made_shown_once_works_and_revoked(signed_in, email, base, party):
    client = signed_in(email)
    response, key = make_token(client, base, "Warehouse ERP", access="write")
    page = response.content.decode()
    assert "shown only this once" in page
    token = ApiToken.objects.get(name="Warehouse ERP")
    assert token.party.slug == party and token.access == "write" and token.created_by.email == email
    assert key.startswith(f"mp_{token.prefix}_") and key not in token.key_hash  # only the hash is stored
    assert AuditEvent.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()

    listing = client.get(base).content.decode()
    assert "Warehouse ERP" in listing and f"mp_{token.prefix}_" in listing
    assert key not in listing, "the key is never shown again"
    assert key not in str(dict(client.session))

    assert api_client(key).get("/api/v1/stock/").status_code == 200
    assert "last used" in client.get(base).content.decode()

    confirm = client.get(f"{base}{token.pk}/revoke/")
    assert confirm.status_code == 200 and "will stop working" in confirm.content.decode()
    done = client.post(f"{base}{token.pk}/revoke/", follow=True)
    assert "no longer works" in done.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by.email == email
    refused = api_client(key).get("/api/v1/stock/")
    assert refused.status_code == 401
    assert "revoked" in error_of(refused)["message"]


def test_token_without_name_is_refused_and_nothing_made(signed_in):
    client = signed_in("supplier@demo.test")
    before = ApiToken.objects.count()
    response = client.post("/supplier/integrations/api/new/", {"name": "  ", "access": "read"})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    response = client.post("/supplier/integrations/api/new/", {"name": "x", "access": "admin"})
    assert "Choose read only or read and write" in response.content.decode()
    assert ApiToken.objects.count() == before


def test_other_partys_token_is_not_listed_nor_revocable(signed_in):
    supplier_client = signed_in("supplier@demo.test")
    make_token(supplier_client, "/supplier/integrations/api/", "Tea ERP")
    tea_token = ApiToken.objects.get(name="Tea ERP")
    store_client = signed_in("storeadmin@demo.test")
    assert "Tea ERP" not in store_client.get("/store/integrations/api/").content.decode()
    assert store_client.post(f"/store/integrations/api/{tea_token.pk}/revoke/").status_code == 404
    tea_token.refresh_from_db()
    assert tea_token.is_active


def test_role_without_integrations_is_refused(signed_in):
    client = signed_in("warehouse@demo.test")
    response = client.get("/supplier/integrations/api/")
    assert response.status_code == 403
    assert "Integrations" in response.content.decode()


def test_a_store_whose_owner_is_suspended_and_a_departed_maker_lose_api_access(demo):
    from django.contrib.auth import get_user_model

    from api.tokens import api_token_create
    from parties.models import Distributor, PartyStatus
    from tests.api_helpers import demo_store

    maker = get_user_model().objects.get(email="storeadmin@demo.test")
    _token, key = api_token_create(party=demo_store("sunrise-online"), name="ERP", access="write", actor=maker)
    assert api_client(key).get("/api/v1/orders/").status_code == 200

    Distributor.objects.filter(slug="sunrise-retail").update(status=PartyStatus.SUSPENDED)
    refused = api_client(key).get("/api/v1/orders/")
    assert refused.status_code == 401 and "suspended" in error_of(refused)["message"]
    Distributor.objects.filter(slug="sunrise-retail").update(status=PartyStatus.ACTIVE)

    get_user_model().objects.filter(pk=maker.pk).update(is_active=False)
    refused = api_client(key).get("/api/v1/orders/")
    assert refused.status_code == 401 and "no longer has an active account" in error_of(refused)["message"]
