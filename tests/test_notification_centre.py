"""The notification centre as its users see it: their own notifications only, filters, mark read (the header badge
follows on the next page), opening one (marks it read, goes to its object), the JSON catch-up, and the badge with
the live client's settings in the header of every portal, the back-office and the storefront."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from notifications.audiences import Audience
from notifications.models import Notification
from notifications.services import event_emit
from parties.models import Store

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'data-unread-count="(\d+)"')


def user(email: str):
    return get_user_model().objects.get(email=email)


def emit(kind: str, audience: Audience, **params):
    with transaction.atomic():
        return event_emit(kind=kind, audiences=[audience], params=params)


def new_order(store_slug: str, number: str):
    store = Store.objects.get(slug=store_slug)
    return emit("order.placed", Audience.store(store.pk), number=number, items=2, total="CN¥138.00",
                store=store.display_name)


def badge(client, url: str = "/store/") -> int:
    """The unread count in the page's header badge (the server-rendered one the live client starts from)."""
    html = client.get(url).content.decode()
    found = BADGE.findall(html)
    assert found, f"no notification badge on {url}"
    return int(found[0])


def rows(client, query: str = "") -> str:
    response = client.get(f"/notifications/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_centre_lists_only_the_users_own_notifications(signed_in):
    new_order("sunrise-online", "NC-OWN-1")
    new_order("harbor-online", "NC-FOREIGN-1")
    store_admin = rows(signed_in("storeadmin@demo.test"))
    assert "New order NC-OWN-1" in store_admin and "NC-FOREIGN-1" not in store_admin
    assert "2 item(s), CN¥138.00, waiting for payment · Sunrise Online" in store_admin
    harbor_staff = rows(signed_in("multi@demo.test"))
    assert "New order NC-FOREIGN-1" in harbor_staff and "NC-OWN-1" not in harbor_staff
    assert "NC-OWN-1" not in rows(signed_in("shopper@demo.test"))


def test_filters_by_kind_group_and_unread(signed_in):
    admin = user("storeadmin@demo.test")
    online = Store.objects.get(slug="sunrise-online")
    order = new_order("sunrise-online", "NC-FILTER-1")
    emit("stock.low", Audience.store(online.pk), sku="NC-SKU-LOW", available=1, location="Sunrise", threshold=5)
    emit("order.shipped", Audience.user(admin.pk), number="NC-MINE-1", carrier="SF", tracking="SF1")
    client = signed_in("storeadmin@demo.test")

    orders_only = rows(client, "?kind=order.placed")
    assert "New order NC-FILTER-1" in orders_only and "NC-SKU-LOW" not in orders_only
    assert "Low stock: NC-SKU-LOW" in rows(client, "?kind=stock.low")

    just_me = rows(client, f"?group=user.{admin.pk}")
    assert "Order NC-MINE-1 shipped" in just_me and "NC-FILTER-1" not in just_me
    the_store = rows(client, f"?group=store.{online.pk}")
    assert "NC-FILTER-1" in the_store and "NC-SKU-LOW" in the_store and "NC-MINE-1" not in the_store
    foreign_group = rows(client, f"?group=store.{Store.objects.get(slug='harbor-online').pk}")
    assert "NC-FILTER-1" in foreign_group  # a group one does not belong to is ignored, never a way in

    client.get(f"/notifications/{order.pk}/")  # opening it marks it read
    unread = rows(client, "?unread=1")
    assert "NC-FILTER-1" not in unread and "NC-SKU-LOW" in unread and "NC-MINE-1" in unread
    assert "No notification matches these filters." in rows(client, "?kind=withdrawal.paid&unread=1")


def test_mark_ticked_and_all_read_lower_the_header_badge(signed_in):
    first, second = new_order("sunrise-online", "NC-READ-1"), new_order("sunrise-online", "NC-READ-2")
    client = signed_in("storeadmin@demo.test")
    before = badge(client)
    assert before >= 2

    response = client.post("/notifications/read/", {"ids": [first.pk, second.pk]}, follow=True)
    assert "2 notifications marked read." in response.content.decode()
    assert badge(client) == before - 2
    third = new_order("sunrise-online", "NC-READ-3")
    listed = rows(client)
    assert f'<li class="" data-notification="{first.pk}"' in listed  # read: no longer marked
    assert f'<li class="unread" data-notification="{third.pk}"' in listed

    assert badge(client) == before - 1
    client.post("/notifications/read/", {"all": "1"})
    page = client.get("/store/").content.decode()
    assert badge(client) == 0 and re.search(r'data-unread-count="0" hidden', page)

    refused = client.post("/notifications/read/", {"ids": ["x"]}, follow=True).content.decode()
    assert "the list was not valid" in refused


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(signed_in):
    own = emit("order.shipped", Audience.user(user("shopper@demo.test").pk), number="NC-OPEN-1", carrier="SF",
               tracking="SF9")
    foreign = emit("order.shipped", Audience.user(user("multi@demo.test").pk), number="NC-OPEN-2", carrier="SF",
                   tracking="SF8")
    client = signed_in("shopper@demo.test")
    before = badge(client, "/s/")

    assert client.get(f"/notifications/{foreign.pk}/").status_code == 404
    assert Notification.objects.get(event=foreign).read_at is None

    response = client.get(f"/notifications/{own.pk}/")
    assert response.status_code == 302 and response["Location"] == "/s/orders/NC-OPEN-1/"
    assert Notification.objects.get(event=own).read_at is not None
    assert badge(client, "/s/") == before - 1


def test_since_returns_only_later_notifications_and_refuses_bad_input(signed_in):
    earlier = new_order("sunrise-online", "NC-SINCE-1")
    later = new_order("sunrise-online", "NC-SINCE-2")
    new_order("harbor-online", "NC-SINCE-FOREIGN")
    client = signed_in("storeadmin@demo.test")

    data = client.get(f"/notifications/since/?after={earlier.pk}").json()
    assert [item["id"] for item in data["items"]] == [later.pk]
    assert data["items"][0]["title"] == "New order NC-SINCE-2" and data["items"][0]["link"] == "/store/"
    assert data["last_id"] == later.pk and data["unread"] >= 2 and data["more"] is False
    for bad in ("abc", "-1", "1.5"):
        response = client.get(f"/notifications/since/?after={bad}")
        assert response.status_code == 400 and "whole number" in response.json()["error"]


@pytest.mark.parametrize(("email", "url"), [
    ("storeadmin@demo.test", "/store/"),
    ("supplier@demo.test", "/supplier/"),
    ("distributor@demo.test", "/distributor/"),
    ("operator@demo.test", "/shop/dashboard/"),
    ("shopper@demo.test", "/s/"),
    ("shopper@demo.test", "/s/sunrise-online/"),
    ("shopper@demo.test", "/notifications/"),
])
def test_every_header_has_the_badge_and_the_live_client(signed_in, email, url):
    me = user(email)
    emit("order.shipped", Audience.user(me.pk), number="NC-BADGE-1", carrier="SF", tracking="SF7")
    client = signed_in(email)
    html = client.get(url).content.decode()
    expected = Notification.objects.filter(user=me, read_at=None).count()
    assert expected >= 1
    assert re.search(rf'href="/notifications/"[^>]*>Notifications <span[^>]*data-unread-count="{expected}"', html)
    assert 'data-live-url="/ws/portal/"' in html and f'data-live-user="{me.pk}"' in html
    last_id = Notification.objects.filter(user=me).order_by("-event_id").first().event_id
    assert f'data-live-last-id="{last_id}"' in html
    assert 'aria-live="polite"' in html and "notifications/live.js" in html
    assert 'data-label-on="Sound on"' in html and 'data-live-summary="__N__ new notifications"' in html


def test_signed_out_visitors_get_no_badge_and_no_socket(client, demo):
    html = client.get("/s/sunrise-online/").content.decode()
    assert "data-unread-count" not in html and "live.js" not in html
    assert client.get("/notifications/").status_code == 302

