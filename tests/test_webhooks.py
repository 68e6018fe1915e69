"""The webhook pages of both portals: add (secret shown once), edit, pause, rotate, delete, send a test event and
see the answer listed, retry a failed delivery; refusals with their message; another party's webhooks are 404;
list and detail pages run a fixed number of queries however many rows they show."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parties.models import Supplier
from tests.isolation_webhooks import PORTAL_ENTRIES
from tests.test_webhook_delivery import Receiver
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

ALLOW_LOCAL = override_settings(WEBHOOKS_ALLOW_PRIVATE=True)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def _secret(response) -> str:
    return re.search(r'<code id="webhook-secret">([^<]+)</code>', response.content.decode()).group(1)


@pytest.mark.parametrize("url_name", sorted(PORTAL_ENTRIES))
def test_another_partys_webhooks_are_404_and_ones_own_open(url_name, signed_in):
    entry = PORTAL_ENTRIES[url_name]
    client = signed_in(entry["actor"])
    assert client.get(reverse(url_name, kwargs=entry["own"]())).status_code == 200
    foreign = entry["foreign"]()
    before = (WebhookEndpoint.objects.count(), WebhookDelivery.objects.filter(status="pending").count())
    for method in entry["methods"]:
        assert getattr(client, method)(reverse(url_name, kwargs=foreign)).status_code == 404
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.filter(status="pending").count()) == before


@ALLOW_LOCAL
def test_send_test_event_lists_the_answer_then_retry_after_giving_up(receiver, signed_in,
                                                                     django_capture_on_commit_callbacks):
    client = signed_in("supplier@demo.test")
    secret = _secret(client.post(reverse("supplier:webhook-create"), {"url": receiver.url, "events": ["stock.low"]}))
    endpoint = WebhookEndpoint.objects.get(supplier__slug="green-leaf-tea", url=receiver.url)
    receiver.plan = [503]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supplier:webhook-test", args=[endpoint.pk]))
    assert response.status_code == 302
    assert receiver.requests[0]["headers"]["X-Marketplace-Event"] == "webhook.test"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    page = client.get(reverse("supplier:webhook-detail", args=[endpoint.pk])).content.decode()
    assert "Test event queued" in page
    assert f"#{delivery.pk}" in page and "503" in page and "boom: database down" in page and "Pending" in page

    # a pending delivery is not retried by hand: refused with the reason, nothing changes
    refused = client.post(reverse("supplier:delivery-retry", args=[delivery.pk]), follow=True).content.decode()
    assert "Only a failed delivery can be retried; this one is pending." in refused
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supplier:delivery-retry", args=[delivery.pk]))
    assert len(receiver.requests) == 2
    detail = client.get(reverse("supplier:delivery-detail", args=[delivery.pk])).content.decode()
    assert "Succeeded" in detail and "Attempt 2" in detail and "HTTP 200" in detail and "HTTP 503" in detail
    assert f"&quot;id&quot;: {delivery.pk}" in detail and secret not in detail


@ALLOW_LOCAL
def test_edit_pause_rotate_and_delete(signed_in):
    client = signed_in("storeadmin@demo.test")
    first = _secret(client.post(reverse("storeadmin:webhook-create"),
                                {"url": "http://127.0.0.1:9/a", "events": ["order.paid"]}))
    endpoint = WebhookEndpoint.objects.get(store__slug="sunrise-online", url="http://127.0.0.1:9/a")
    edit = reverse("storeadmin:webhook-edit", args=[endpoint.pk])

    bad = client.post(edit, {"url": "ftp://example.com/x", "events": []}).content.decode()
    assert "Enter a valid URL" in bad and "Choose at least one event to send." in bad
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/a" and endpoint.events == ["order.paid"] and endpoint.is_active

    client.post(edit, {"url": "http://127.0.0.1:9/b", "events": ["stock.low", "order.placed"]})  # unticked: paused
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/b") and endpoint.events == ["order.placed", "stock.low"] and not endpoint.is_active
    assert "Paused" in client.get(reverse("storeadmin:webhook-list")).content.decode()

    second = _secret(client.post(edit, {"action": "rotate"}))
    endpoint.refresh_from_db()
    assert second != first and endpoint.secret == second

    client.post(reverse("storeadmin:webhook-delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_shop_staff_cannot_open_webhooks(signed_in):
    assert signed_in("shopstaff@demo.test").get(reverse("storeadmin:webhook-list")).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_pages_run_a_fixed_number_of_queries(signed_in):
    client = signed_in("supplier@demo.test")
    supplier = Supplier.objects.get(slug="green-leaf-tea")

    def endpoint(n):
        return WebhookEndpoint.objects.create(supplier=supplier, url=f"https://hooks.example.com/{n}",
                                              events=["stock.low"], secret=f"whsec_{n}")

    def deliveries(target, count):
        WebhookDelivery.objects.bulk_create([WebhookDelivery(endpoint=target, kind="stock.low", attempts=1,
                                                             last_status_code=500, payload={"data": {}})
                                             for _ in range(count)])

    first = endpoint(0)
    deliveries(first, 1)
    list_url, detail_url = reverse("supplier:webhook-list"), reverse("supplier:webhook-detail", args=[first.pk])
    _queries(client, list_url), _queries(client, detail_url)  # warm one-time caches (content types, site)
    few = (_queries(client, list_url), _queries(client, detail_url))
    for n in range(1, 6):
        deliveries(endpoint(n), 2)
    deliveries(first, 9)
    assert (_queries(client, list_url), _queries(client, detail_url)) == few
    assert client.get(list_url).content.decode().count("https://hooks.example.com/") == 6
