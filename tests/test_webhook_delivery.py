"""Webhooks out, end to end against a real HTTP server on 127.0.0.1: an order placed in a store reaches the store's
endpoint as one POST whose signature verifies with the secret shown once; a failing receiver is retried with a
growing back-off, then given up; another party's endpoint hears nothing; private addresses are refused in
production mode (at registration and again at delivery)."""

import json
import re
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from notifications.audiences import Audience
from notifications.services import event_emit
from parties.models import Membership, Store, Supplier
from tests.payment_helpers import order_in
from webhooks.dispatch import webhooks_deliver
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_endpoint_create
from webhooks.signing import verify
from webhooks.validators import validate_webhook_url

pytestmark = pytest.mark.django_db

ALLOW_LOCAL = override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
PRODUCTION = override_settings(DEBUG=False, WEBHOOKS_ALLOW_PRIVATE=False)


class Receiver:
    """A local HTTP server that records every request and answers with the next planned status (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.plan.pop(0) if receiver.plan else 200
                answer = b"ok" if status == 200 else b"boom: database down"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def _user(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


@ALLOW_LOCAL
def test_order_placed_reaches_the_store_endpoint_signed_with_the_secret_shown_once(receiver, signed_in):
    client = signed_in("storeadmin@demo.test")
    page = client.post(reverse("storeadmin:webhook-create"),
                       {"url": receiver.url, "events": ["order.placed", "order.paid"]})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"  # no browser keeps a copy
    secret = re.search(r'<code id="webhook-secret">([^<]+)</code>', page.content.decode()).group(1)
    endpoint = WebhookEndpoint.objects.get(store__slug="sunrise-online", url=receiver.url)
    assert endpoint.secret == secret and endpoint.events == ["order.placed", "order.paid"]
    # afterwards only its last four characters are shown
    detail = client.get(reverse("storeadmin:webhook-detail", args=[endpoint.pk])).content.decode()
    assert secret not in detail and f"…{secret[-4:]}" in detail

    order = order_in("sunrise-online")
    result = webhooks_deliver()

    assert len(receiver.requests) == 1 and len(result.succeeded) == 1
    request = receiver.requests[0]
    body = json.loads(request["body"])
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert body["id"] == delivery.pk and body["event"] == "order.placed"
    assert body["data"]["number"] == str(order.number)
    assert request["path"] == "/hooks"
    assert request["headers"]["X-Marketplace-Event"] == "order.placed"
    assert request["headers"]["X-Marketplace-Delivery"] == str(delivery.pk)
    assert verify(secret=secret, body=request["body"], header=request["headers"]["X-Marketplace-Signature"])
    assert not verify(secret=secret, body=request["body"] + b" ", header=request["headers"]["X-Marketplace-Signature"])
    assert not verify(secret="whsec_other", body=request["body"],
                      header=request["headers"]["X-Marketplace-Signature"])
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 1 and delivery.last_status_code == 200
    assert webhooks_deliver().succeeded == []  # sent once, not again


@ALLOW_LOCAL
def test_a_failing_receiver_is_retried_with_growing_back_off_then_given_up(receiver, demo):
    store = Store.objects.get(slug="sunrise-online")
    endpoint, _ = webhook_endpoint_create(party=store, url=receiver.url, events=["order.placed"],
                                          actor=_user("storeadmin@demo.test"))
    receiver.plan = [500] * 10
    order_in("sunrise-online")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    now = timezone.now()
    waits = []
    for attempt in range(1, 7):
        result = webhooks_deliver(now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and len(receiver.requests) == attempt
        assert delivery.last_status_code == 500 and "database down" in delivery.last_response_body
        if attempt < 6:
            assert result.retrying == [delivery.pk] and delivery.status == "pending"
            waits.append(delivery.next_attempt_at - now)
            assert webhooks_deliver(now=now + waits[-1] - timedelta(seconds=1)).retrying == []  # not due yet
            now = delivery.next_attempt_at
        else:
            assert result.failed == [delivery.pk] and delivery.status == "failed"
            assert delivery.next_attempt_at is None
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                     timedelta(hours=12)]
    assert webhooks_deliver(now=now + timedelta(days=2)).failed == []  # given up: not sent again
    assert len(receiver.requests) == 6
    assert delivery.attempt_log.count() == 6  # every attempt's answer kept
    # all retries are the same delivery, each signed afresh
    assert {json.loads(r["body"])["id"] for r in receiver.requests} == {delivery.pk}


@ALLOW_LOCAL
def test_a_suppliers_endpoint_never_receives_another_suppliers_events(receiver, demo):
    green, golden = Supplier.objects.get(slug="green-leaf-tea"), Supplier.objects.get(slug="golden-grain")
    mine, _ = webhook_endpoint_create(party=green, url=receiver.url + "/green", events=["stock.low"],
                                      actor=_user("supplier@demo.test"))
    theirs, _ = webhook_endpoint_create(party=golden, url=receiver.url + "/golden", events=["stock.low"],
                                        actor=_user("grain@demo.test"))
    sister, _ = webhook_endpoint_create(party=Store.objects.get(slug="sunrise-nanjing-road"), url=receiver.url + "/nj",
                                        events=["order.placed"], actor=_user("distributor@demo.test"))
    event_emit(kind="stock.low", audiences=[Audience.supplier(golden.pk)],
               params={"sku": "GG-1", "available": 2, "location": "Zhengzhou", "threshold": 5})
    event_emit(kind="order.placed", audiences=[Audience.store(Store.objects.get(slug="sunrise-online").pk)],
               params={"number": "100555", "items": 1, "total": "¥20.00", "store": "Sunrise Online"})  # a sister's
    webhooks_deliver()
    assert [r["path"] for r in receiver.requests] == ["/hooks/golden"]
    assert json.loads(receiver.requests[0]["body"])["data"]["sku"] == "GG-1"
    assert not mine.deliveries.exists() and not sister.deliveries.exists()


@ALLOW_LOCAL
def test_a_store_with_no_members_still_gets_its_webhooks_and_no_socket_is_told(receiver, demo):
    store = Store.objects.get(slug="sunrise-nanjing-road")
    endpoint, _ = webhook_endpoint_create(party=store, url=receiver.url, events=["return.requested"],
                                          actor=_user("distributor@demo.test"))
    Membership.all_objects.filter(store=store).delete()
    event = event_emit(kind="return.requested", audiences=[Audience.store(store.pk)],
                       params={"number": "100123", "request": 1, "reason": "Damaged"})
    assert event is not None and event.audiences == []  # kept for the webhook, sent to no group
    assert not event.notifications.exists()
    webhooks_deliver()
    assert json.loads(receiver.requests[0]["body"])["data"]["number"] == "100123"
    # with no endpoint and nobody to tell, nothing is written
    endpoint.delete()
    assert event_emit(kind="return.requested", audiences=[Audience.store(store.pk)],
                      params={"number": "100124", "request": 2, "reason": "Damaged"}) is None


def _resolving_to(monkeypatch, address):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "rebind.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@PRODUCTION
@pytest.mark.parametrize("url", ["https://127.0.0.1/hooks", "https://10.0.0.1/hooks", "https://[::1]/hooks",
                                 "https://localhost/hooks", "https://169.254.169.254/latest",
                                 "https://rebind.example.com/hooks"])
def test_private_and_loopback_urls_are_refused_in_production(url, monkeypatch):
    _resolving_to(monkeypatch, "127.0.0.1")
    with pytest.raises(ValidationError) as refused:
        validate_webhook_url(url)
    assert "private or reserved address" in refused.value.messages[0]


@PRODUCTION
def test_production_needs_https_and_accepts_a_public_address(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14")
    with pytest.raises(ValidationError) as refused:
        validate_webhook_url("http://rebind.example.com/hooks")
    assert refused.value.messages == ["Webhook URLs must use https."]
    assert validate_webhook_url(" https://rebind.example.com/hooks ") == "https://rebind.example.com/hooks"


def test_registering_a_private_url_in_production_changes_nothing(demo):
    store = Store.objects.get(slug="sunrise-online")
    before = WebhookEndpoint.objects.count()
    with PRODUCTION, pytest.raises(ValidationError) as refused:
        webhook_endpoint_create(party=store, url="https://10.0.0.1/hooks", events=["order.paid"],
                                actor=_user("storeadmin@demo.test"))
    assert "private or reserved address" in refused.value.message_dict["url"][0]
    assert WebhookEndpoint.objects.count() == before


@ALLOW_LOCAL
def test_a_host_that_later_resolves_privately_fails_the_attempt(receiver, demo, monkeypatch):
    """DNS rebinding: the name was public when saved; at delivery time it points inside, so nothing is sent."""
    _resolving_to(monkeypatch, "93.184.215.14")
    store = Store.objects.get(slug="sunrise-online")
    with override_settings(DEBUG=False, WEBHOOKS_ALLOW_PRIVATE=False):
        endpoint, _ = webhook_endpoint_create(party=store, url="https://rebind.example.com/hooks",
                                              events=["order.placed"], actor=_user("storeadmin@demo.test"))
        order_in("sunrise-online")
        _resolving_to(monkeypatch, "127.0.0.1")
        webhooks_deliver()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code is None
    assert "private or reserved address" in delivery.last_error
    assert receiver.requests == []


def test_a_name_that_changes_between_the_check_and_the_connection_is_not_reached(receiver, demo, monkeypatch):
    """The first lookup answers public, every later one loopback: the connection goes only to an address it
    checked itself, so the receiver on 127.0.0.1 hears nothing."""
    port = receiver.server.server_address[1]
    answers = iter(["93.184.215.14"])
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "rebind.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]
        return real(host, *args, **kwargs)
    store = Store.objects.get(slug="sunrise-online")
    with ALLOW_LOCAL:
        endpoint, _ = webhook_endpoint_create(party=store, url=f"http://rebind.example.com:{port}/hooks",
                                              events=["order.placed"], actor=_user("storeadmin@demo.test"))
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with override_settings(DEBUG=True, WEBHOOKS_ALLOW_PRIVATE=False):  # http allowed, private addresses not
        order_in("sunrise-online")
        webhooks_deliver()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.attempts == 1 and delivery.last_status_code is None
    assert "private or reserved address" in delivery.last_error
    assert receiver.requests == []


@PRODUCTION
@pytest.mark.parametrize("address", ["100.100.100.200", "::ffff:10.0.0.1", "2002:a00:1::1"])
def test_shared_and_tunnelled_private_addresses_are_refused(address, monkeypatch):
    _resolving_to(monkeypatch, address)
    with pytest.raises(ValidationError) as refused:
        validate_webhook_url("https://rebind.example.com/hooks")
    assert "private or reserved address" in refused.value.messages[0]


@ALLOW_LOCAL
def test_a_garbled_answer_fails_that_attempt_and_the_next_delivery_still_goes(receiver, demo):
    garbler = socket.socket()
    garbler.bind(("127.0.0.1", 0))
    garbler.listen(5)

    def answer_garbage():
        for _ in range(2):
            try:
                connection, _address = garbler.accept()
            except OSError:
                return
            connection.recv(65536)
            connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            connection.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    store = Store.objects.get(slug="sunrise-online")
    actor = _user("storeadmin@demo.test")
    broken, _ = webhook_endpoint_create(party=store, url=f"http://127.0.0.1:{garbler.getsockname()[1]}/hooks",
                                        events=["order.placed"], actor=actor)
    working, _ = webhook_endpoint_create(party=store, url=receiver.url, events=["order.placed"], actor=actor)
    try:
        order_in("sunrise-online")
        webhooks_deliver()
    finally:
        garbler.close()
    failed = WebhookDelivery.objects.get(endpoint=broken)
    assert failed.status == "pending" and failed.attempts == 1 and failed.next_attempt_at is not None
    assert failed.last_error and failed.attempt_log.count() == 1
    sent = WebhookDelivery.objects.get(endpoint=working)
    assert sent.status == "succeeded" and len(receiver.requests) == 1


@ALLOW_LOCAL
def test_events_told_only_to_the_shopper_reach_the_stores_of_the_order(receiver, demo):
    from types import SimpleNamespace

    from storefront.events import order_delivered_notify, order_shipped_notify

    store = Store.objects.get(slug="sunrise-online")
    webhook_endpoint_create(party=store, url=receiver.url, events=["order.shipped", "order.delivered"],
                            actor=_user("storeadmin@demo.test"))
    order = order_in("sunrise-online")
    group = order.fulfilment_groups.first()
    order_shipped_notify(group=group, parcel=SimpleNamespace(carrier="SF Express", tracking_number="SF123"))
    order_delivered_notify(group=group)
    webhooks_deliver()
    bodies = [json.loads(request["body"]) for request in receiver.requests]
    assert [(body["event"], body["data"]["number"]) for body in bodies] == [
        ("order.shipped", str(order.number)), ("order.delivered", str(order.number))]
    assert bodies[0]["data"]["tracking"] == "SF123"


@ALLOW_LOCAL
def test_the_shipping_supplier_hears_of_its_shipments_and_cannot_subscribe_to_store_events(receiver, demo):
    from types import SimpleNamespace

    from storefront.events import order_shipped_notify

    order = order_in("sunrise-online")
    group = order.fulfilment_groups.select_related("warehouse__supplier").first()
    shipper = group.warehouse.supplier
    assert shipper is not None, "the demo order ships from a supplier's warehouse"
    actor = get_user_model().objects.filter(is_staff=True).first()
    with pytest.raises(ValidationError) as refused:
        webhook_endpoint_create(party=shipper, url=receiver.url, events=["order.placed"], actor=actor)
    assert "order.placed" in str(refused.value)
    webhook_endpoint_create(party=shipper, url=receiver.url, events=["order.shipped"], actor=actor)
    order_shipped_notify(group=group, parcel=SimpleNamespace(carrier="SF Express", tracking_number="SF9"))
    webhooks_deliver()
    assert [json.loads(request["body"])["data"]["tracking"] for request in receiver.requests] == ["SF9"]
