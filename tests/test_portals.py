"""Each role lands in its own portal; several roles pick; no role and suspended parties get clear pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from parties.models import Distributor, Membership, PartyStatus, Store, Supplier
from parties.services import party_set_status


@pytest.mark.parametrize(
    ("email", "portal", "shows"),
    [
        ("operator@demo.test", "/shop/dashboard/", "Dashboard"),
        ("supplier@demo.test", "/supplier/", "Green Leaf Tea"),
        ("distributor@demo.test", "/distributor/", "Sunrise Retail"),
        ("storeadmin@demo.test", "/store/", "Sunrise Online"),
    ],
)
def test_each_role_lands_in_its_portal(email, portal, shows, signed_in):
    client = signed_in(email)
    response = client.get("/portal/", follow=True)
    assert response.redirect_chain[-1][0] == portal
    assert shows in response.content.decode()


def test_shopper_without_role_is_told_and_sent_to_the_shop(signed_in):
    response = signed_in("shopper@demo.test").get("/portal/", follow=True)
    assert response.redirect_chain[0][0] == reverse("customer:summary")
    assert "no portal role" in response.content.decode()


def test_user_with_several_roles_picks_then_switches(signed_in):
    client = signed_in("multi@demo.test")
    chooser = client.get("/portal/")
    assert chooser.status_code == 200
    page = chooser.content.decode()
    assert "Golden Grain Foods" in page and "Harbor Online" in page
    store_membership = Membership.objects.get(user__email="multi@demo.test", store__slug="harbor-online")
    response = client.post(reverse("portal:switch"), {"membership": store_membership.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/store/"
    assert "Harbor Online" in response.content.decode()
    supplier_membership = Membership.objects.get(user__email="multi@demo.test", supplier__slug="golden-grain")
    response = client.post(reverse("portal:switch"), {"membership": supplier_membership.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/supplier/"
    assert "Zhengzhou warehouse" in response.content.decode()


def test_switcher_is_on_every_portal_page_for_multi_role_users(signed_in):
    client = signed_in("multi@demo.test")
    client.get("/store/")
    page = client.get("/store/").content.decode()
    assert 'name="membership"' in page and "Golden Grain Foods" in page


def test_portal_without_that_role_is_a_clear_403_page(signed_in):
    response = signed_in("supplier@demo.test").get("/distributor/")
    assert response.status_code == 403
    assert "no distributor role" in response.content.decode()


def test_suspended_party_members_see_the_reason(signed_in):
    operator = get_user_model().objects.get(email="operator@demo.test")
    party_set_status(actor=operator, party=Supplier.objects.get(slug="green-leaf-tea"),
                     status=PartyStatus.SUSPENDED, reason="Licence expired")
    response = signed_in("supplier@demo.test").get("/supplier/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "suspended" in body and "Licence expired" in body


def test_store_of_a_suspended_distributor_is_closed(signed_in):
    distributor = Distributor.objects.get(slug="sunrise-retail")
    operator = get_user_model().objects.get(email="operator@demo.test")
    party_set_status(actor=operator, party=distributor, status=PartyStatus.SUSPENDED, reason="Unpaid fees")
    assert not Store.objects.get(slug="sunrise-online").is_open
    response = signed_in("storeadmin@demo.test").get("/store/")
    assert response.status_code == 403
    assert "Unpaid fees" in response.content.decode()


@pytest.mark.parametrize(("username", "password"), [("nobody@demo.test", "whatever"),
                                                      ("supplier@demo.test", "wrong-password")])
def test_bad_sign_in_is_a_clear_message(demo, username, password):
    response = Client().post("/login/", {"username": username, "password": password})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_deactivated_user_cannot_sign_in(demo):
    user = Membership.objects.get(user__email="warehouse@demo.test").user
    user.is_active = False
    user.save()
    response = Client().post("/login/", {"username": "warehouse@demo.test", "password": "marketplace-demo"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_anonymous_portal_visit_asks_to_sign_in(demo):
    for url in ("/supplier/", "/distributor/", "/store/", "/portal/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_language_is_negotiated_from_the_browser_and_switchable(signed_in):
    client = signed_in("supplier@demo.test", language="zh-hans")
    page = client.get("/supplier/").content.decode()
    assert "绿叶茶业" in page and 'lang="zh-hans"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/supplier/"})
    page = client.get("/supplier/").content.decode()
    assert "Green Leaf Tea" in page and 'lang="en"' in page


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/supplier/warehouses/999999/")
    assert response.status_code == 302  # anonymous: sign in first
    assert client.get("/no-such-page/").status_code == 404
