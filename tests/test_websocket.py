"""The live socket `/ws/portal/`: who may connect, which events reach whom, catch-up after a gap, and bad clients
refused with a log line while the socket keeps working."""

import logging

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from marketplace.asgi import application
from notifications.audiences import Audience
from notifications.services import event_emit, outbox_dispatch
from parties.models import Store

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]


@pytest.fixture
def demo_sockets(transactional_db):
    from parties.demo import load_demo

    load_demo(with_catalogue=False)


def socket_for(email, *, language="en"):
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN + [
        (b"cookie", cookie), (b"accept-language", language.encode())])


async def opened(email, **kwargs):
    socket = await sync_to_async(socket_for)(email, **kwargs)
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from()
    assert hello["type"] == "hello" and hello["user"] == email
    return socket, hello


def emit_committed(kind, audiences, params):
    with transaction.atomic():
        event = event_emit(kind=kind, audiences=audiences, params=params)
    return event.pk


def store_pk(slug):
    return Store.objects.get(slug=slug).pk


async def test_anonymous_and_forged_sessions_are_refused(demo_sockets):
    anonymous = WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN)
    assert await anonymous.connect() == (False, 4401)
    forged = WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN + [(b"cookie", b"sessionid=forged")])
    assert await forged.connect() == (False, 4401)


async def test_a_cross_origin_socket_is_refused(demo_sockets):
    socket = await sync_to_async(socket_for)("storeadmin@demo.test")
    socket.scope["headers"] = [(b"origin", b"http://evil.example")] + [
        header for header in socket.scope["headers"] if header[0] != b"origin"]
    connected, _ = await socket.connect()
    assert not connected


async def test_a_store_event_reaches_its_people_and_nobody_else(demo_sockets):
    mine, _ = await opened("storeadmin@demo.test")
    other_store, _ = await opened("harbor@demo.test")
    shop_staff, _ = await opened("shopstaff@demo.test")
    online = await sync_to_async(store_pk)("sunrise-online")
    event_id = await sync_to_async(emit_committed)("order.placed", [Audience.store(online)], {
        "number": "100001", "items": 2, "total": "¥40.00", "store": "Sunrise Online"})
    message = await mine.receive_json_from(timeout=3)
    assert message["type"] == "notification" and message["id"] == event_id
    assert message["title"] == "New order 100001" and message["link"] == "/store/" and message["sound"] is True
    assert await other_store.receive_nothing(timeout=0.3) and await shop_staff.receive_nothing(timeout=0.1)
    for socket in (mine, other_store, shop_staff):
        await socket.disconnect()


async def test_the_title_is_in_the_readers_language(demo_sockets):
    socket, _ = await opened("storeadmin@demo.test", language="zh-hans")
    online = await sync_to_async(store_pk)("sunrise-online")
    await sync_to_async(emit_committed)("order.placed", [Audience.store(online)], {"number": "100002"})
    message = await socket.receive_json_from(timeout=3)
    assert "100002" in message["title"] and "New order" not in message["title"]
    await socket.disconnect()


async def test_a_redelivered_event_is_sent_once(demo_sockets):
    from notifications.models import OutboxEvent

    socket, _ = await opened("storeadmin@demo.test")
    online = await sync_to_async(store_pk)("sunrise-online")
    event_id = await sync_to_async(emit_committed)("order.placed", [Audience.store(online)], {"number": "7"})
    assert (await socket.receive_json_from(timeout=3))["id"] == event_id
    await sync_to_async(OutboxEvent.objects.filter(pk=event_id).update)(sent_at=None)  # a dispatcher retried it
    assert (await sync_to_async(outbox_dispatch)()).sent == [event_id]
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_reconnecting_client_catches_up_on_what_it_missed(demo_sockets):
    online = await sync_to_async(store_pk)("sunrise-online")
    socket, hello = await opened("storeadmin@demo.test")
    seen = hello["last_id"]
    await socket.disconnect()  # the phone went offline
    missed = [await sync_to_async(emit_committed)("order.placed", [Audience.store(online)], {"number": str(n)})
              for n in range(3)]
    await sync_to_async(emit_committed)("order.placed", [Audience.store(await sync_to_async(store_pk)(
        "harbor-online"))], {"number": "not-mine"})
    socket, hello = await opened("storeadmin@demo.test")
    assert hello["unread"] >= 3
    await socket.send_json_to({"type": "catch_up", "after": seen})
    caught = await socket.receive_json_from(timeout=3)
    assert caught["type"] == "catch_up" and [item["id"] for item in caught["items"]] == missed
    assert caught["more"] is False and caught["items"][0]["title"] == "New order 0"
    await socket.send_json_to({"type": "read", "ids": missed[:2]})
    state = await socket.receive_json_from(timeout=3)
    assert state == {"type": "state", "unread": hello["unread"] - 2, "last_id": missed[-1]}
    await socket.disconnect()


async def test_bad_messages_are_answered_and_logged_and_the_socket_lives_on(demo_sockets, caplog):
    socket, _ = await opened("storeadmin@demo.test")
    harbor = await sync_to_async(store_pk)("harbor-online")
    caplog.set_level(logging.WARNING, logger="notifications.consumers")
    bad = [("text", "{not json"), ("text", "[1, 2]"), ("text", '{"type": "explode"}'), ("bytes", b"\x00\x01"),
           ("text", "x" * 10_000), ("json", {"type": "catch_up", "after": "yesterday"}),
           ("json", {"type": "read", "ids": "all"}), ("json", {"type": "subscribe", "group": f"store.{harbor}"}),
           ("json", {"type": "subscribe", "group": "operator"})]
    for how, payload in bad:
        if how == "json":
            await socket.send_json_to(payload)
        elif how == "bytes":
            await socket.send_to(bytes_data=payload)
        else:
            await socket.send_to(text_data=payload)
        answer = await socket.receive_json_from(timeout=3)
        assert answer["type"] == "error", payload
    assert len([r for r in caplog.records if r.name == "notifications.consumers"]) == len(bad)
    await sync_to_async(emit_committed)("order.placed", [Audience.store(harbor)], {"number": "theirs"})
    assert await socket.receive_nothing(timeout=0.3)  # asking for their group by name got nothing
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


async def test_a_flood_of_sockets_from_one_user_is_capped(demo_sockets, settings):
    settings.NOTIFICATIONS_MAX_SOCKETS_PER_USER = 3
    sockets = [(await opened("storeadmin@demo.test"))[0] for _ in range(3)]
    extra = await sync_to_async(socket_for)("storeadmin@demo.test")
    assert await extra.connect() == (False, 4429)
    others, _ = await opened("harbor@demo.test")  # another user is not affected
    await sockets.pop().disconnect()
    again, _ = await opened("storeadmin@demo.test")  # a closed socket frees its place
    for socket in [*sockets, others, again]:
        await socket.disconnect()
