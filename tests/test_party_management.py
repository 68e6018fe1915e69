"""Store and party management in the back-office: list filters by status and plan, the detail page (members,
balances, recent activity), suspend/reactivate with a reason, and a suspended store's storefront (a notice, no
orders, data kept)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from audit.models import AuditEvent
from parties.models import Distributor, Membership, PartyStatus, Plan, Role, Store
from parties.services import party_set_status
from settlement.selectors import party_balances
from storefront.services import CheckoutError, basket_add
from tests import test_returns
from tests.distribution_helpers import record
from tests.test_withdrawals import fund

D = Decimal
Order = get_model("order", "Order")
listed = test_returns.listed
pytestmark = pytest.mark.django_db


def user(email):
    return get_user_model().objects.get(email=email)


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def rows(page: str) -> str:
    return page[page.index("<tbody>"):page.index("</tbody>")]


# --- lists -------------------------------------------------------------------------------------------------------


def test_the_store_list_filters_by_status_and_plan(signed_in):
    party_set_status(actor=user("operator@demo.test"), party=Store.objects.get(slug="harbor-online"),
                     status=PartyStatus.SUSPENDED, reason="unpaid fees")
    Store.objects.filter(slug="maple-kids").update(plan=None)
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-store-list")

    suspended = rows(shown(client.get(url, {"status": "suspended"})))
    assert "Harbor Online" in suspended and "Sunrise Online" not in suspended
    active = rows(shown(client.get(url, {"status": "active"})))
    assert "Harbor Online" not in active and "Sunrise Online" in active

    pro = rows(shown(client.get(url, {"plan": "pro"})))
    names = sorted(re.findall(r'/stores/\d+/">([^<]+)</a>', pro))
    assert names == sorted(Store.objects.filter(plan__code="pro").values_list("name", flat=True))
    assert "Harbor Online" not in pro and "Sunrise Online" in pro
    default = rows(shown(client.get(url, {"plan": "default"})))
    assert "Maple Kids" in default and "Sunrise Online" not in default

    both = rows(shown(client.get(url, {"plan": "basic", "status": "suspended"})))
    assert re.findall(r'/stores/\d+/">([^<]+)</a>', both) == ["Harbor Online"]
    # an unknown filter value filters nothing
    assert rows(shown(client.get(url, {"status": "bogus"}))).count("<tr>") == Store.objects.count()


def test_the_distributor_and_supplier_lists_filter_by_plan_and_status(signed_in):
    client = signed_in("operator@demo.test")
    basic = rows(shown(client.get(reverse("dashboard:mp-distributor-list"), {"plan": "basic"})))
    assert "Harbor Goods" in basic and "Sunrise Retail" not in basic
    party_set_status(actor=user("operator@demo.test"), party=Distributor.objects.get(slug="maple-lifestyle"),
                     status=PartyStatus.SUSPENDED, reason="review")
    suspended = rows(shown(client.get(reverse("dashboard:mp-distributor-list"), {"status": "suspended"})))
    assert re.findall(r'/distributors/\d+/">([^<]+)</a>', suspended) == ["Maple Lifestyle"]
    suppliers = rows(shown(client.get(reverse("dashboard:mp-supplier-list"), {"status": "suspended"})))
    assert "No suppliers found." in suppliers


def test_a_list_runs_the_same_queries_for_few_rows_or_many(signed_in):
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-store-list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"plan": "flagship"})
    with CaptureQueriesContext(connection) as every:
        client.get(url)
    assert len(one) == len(every)


# --- detail ------------------------------------------------------------------------------------------------------


def test_the_detail_shows_members_balances_and_recent_activity(signed_in):
    harbor = Distributor.objects.get(slug="harbor-goods")
    fund(harbor, D("321.45") - party_balances(party=harbor).available)
    store = Store.objects.get(slug="harbor-online")
    operator = user("operator@demo.test")
    party_set_status(actor=operator, party=store, status=PartyStatus.SUSPENDED, reason="stock check")
    party_set_status(actor=operator, party=store, status=PartyStatus.ACTIVE, reason="checked")
    client = signed_in("operator@demo.test")

    page = shown(client.get(reverse("dashboard:mp-distributor-detail", args=[harbor.pk])))
    members = page[page.index('id="party-members"'):]
    assert re.search(r"<td>harbor@demo.test</td><td>Owner</td><td>Harbor Goods</td><td>no end</td>", members)
    assert re.search(r"<td>multi@demo.test</td><td>Staff</td><td>Harbor Online</td>", members)
    assert 'data-balance="available">321.45 CNY</td>' in page
    activity = page[page.index('id="party-activity"'):]
    assert "store.suspend" in activity and "store.reactivate" in activity and "Harbor Online" in activity
    assert activity.index("store.reactivate") < activity.index("store.suspend")  # newest first

    # A store shows its owner's balances.
    store_page = shown(client.get(reverse("dashboard:mp-store-detail", args=[store.pk])))
    assert "A store's money is its owner's: Harbor Goods." in store_page
    assert 'data-balance="available">321.45 CNY</td>' in store_page


def test_activity_is_the_last_20_events_and_the_page_queries_do_not_grow(signed_in):
    harbor = Distributor.objects.get(slug="harbor-goods")
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-distributor-detail", args=[harbor.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    from audit.services import audit_record

    for n in range(25):
        audit_record(action=f"test.event{n:02d}", target=harbor)
    for n in range(3):
        extra = get_user_model().objects.create_user(username=f"extra{n}", email=f"extra{n}@example.test")
        Membership.objects.create(user=extra, distributor=harbor, role=Role.STAFF)
    with CaptureQueriesContext(connection) as after:
        page = shown(client.get(url))
    assert len(after) == len(before)
    activity = page[page.index('id="party-activity"'):]
    assert "test.event24" in activity and "test.event05" in activity and "test.event04" not in activity
    assert "extra2@example.test" in page


def test_suspend_needs_a_reason_and_reactivate_records_one(signed_in):
    store = Store.objects.get(slug="harbor-online")
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-party-status", args=["store", store.pk])
    page = shown(client.post(url, {"status": "suspended", "reason": " "}, follow=True))
    assert "Give a reason for the suspension" in page
    assert Store.objects.get(pk=store.pk).status == PartyStatus.ACTIVE
    page = shown(client.post(url, {"status": "suspended", "reason": "late deliveries"}, follow=True))
    assert "Harbor Online is now suspended." in page and "late deliveries" in page
    page = shown(client.post(url, {"status": "active", "reason": "fixed"}, follow=True))
    assert "Harbor Online is now active." in page
    event = AuditEvent.objects.filter(action="store.reactivate", target_id=str(store.pk)).latest("pk")
    assert event.changes["reason"] == "fixed"


def test_the_plan_is_changed_from_the_detail_page(signed_in):
    harbor = Distributor.objects.get(slug="harbor-goods")
    pro = Plan.objects.get(code="pro")
    client = signed_in("operator@demo.test")
    page = shown(client.post(reverse("dashboard:mp-party-plan", args=["distributor", harbor.pk]), {"plan": pro.pk},
                             follow=True))
    assert f'<td id="party-plan-name">{pro}</td>' in page
    assert Distributor.objects.get(pk=harbor.pk).plan == pro


# --- a suspended store's storefront ----------------------------------------------------------------------------------


def test_a_suspended_store_shows_a_notice_takes_no_orders_and_keeps_its_data(listed, online, signed_in):
    shopper = user("shopper@demo.test")
    earlier = test_returns.place(test_returns.basket_in(online, ("LST-a", 1), owner=shopper), online, user=shopper)
    waiting = test_returns.basket_in(online, ("LST-b", 1), owner=shopper)  # filled before the suspension
    client = signed_in("operator@demo.test")
    client.post(reverse("dashboard:mp-party-status", args=["store", online.pk]),
                {"status": "suspended", "reason": "licence expired"})
    online.refresh_from_db()
    assert online.status == PartyStatus.SUSPENDED

    visitor = Client()
    home = shown(visitor.get(reverse("storefront:home", args=[online.slug])))
    assert "This store is not taking orders: Sunrise Online is suspended by the marketplace for now." in home
    assert 'class="sf-card"' not in home
    about = shown(visitor.get(reverse("storefront:about", args=[online.slug])))
    assert "is suspended by the marketplace" in about

    orders = Order.objects.count()
    with pytest.raises(CheckoutError, match="Sunrise Online is closed and takes no orders"):
        basket_add(basket=test_returns.basket_in(online, owner=shopper), store=online,
                   product=record("LST-a").product, quantity=1)
    with pytest.raises(CheckoutError, match="No longer sold"):
        test_returns.place(waiting, online, user=shopper)
    page = shown(visitor.post(f"/s/{online.slug}/basket/add/", {"product": record("LST-a").product_id,
                                                                   "quantity": 1}, follow=True))
    assert "Sunrise Online is closed and takes no orders at the moment." in page
    assert Order.objects.count() == orders
    assert Order.objects.filter(pk=earlier.pk).exists()  # its data is kept

    client.post(reverse("dashboard:mp-party-status", args=["store", online.pk]), {"status": "active", "reason": "ok"})
    assert "This store is not taking orders" not in shown(visitor.get(reverse("storefront:home", args=[online.slug])))
