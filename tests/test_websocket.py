"""One authenticated websocket per user on the same ASGI application that serves HTTP."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from marketplace.asgi import application
from portal.consumers import user_group

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]


async def _connect_as(client, email):
    from parties.demo import load_demo

    await sync_to_async(load_demo)(with_catalogue=False)
    user = await sync_to_async(get_user_model().objects.get)(email=email)
    await sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return user, WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN + [(b"cookie", cookie)])


async def test_anonymous_socket_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN)
    connected, code = await communicator.connect()
    assert not connected and code == 4401


async def test_foreign_origin_is_refused(client):
    communicator = WebsocketCommunicator(application, "/ws/portal/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


async def test_signed_in_user_receives_only_their_own_events(client):
    from django.test import Client

    user, mine = await _connect_as(client, "storeadmin@demo.test")
    other, theirs = await _connect_as(Client(), "supplier@demo.test")
    assert (await mine.connect())[0] and (await theirs.connect())[0]
    assert (await mine.receive_json_from())["user"] == "storeadmin@demo.test"
    await theirs.receive_json_from()
    await get_channel_layer().group_send(user_group(user.pk), {"type": "portal.event",
                                                               "payload": {"type": "test", "id": 1}})
    assert await mine.receive_json_from(timeout=2) == {"type": "test", "id": 1}
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.send_json_to({"type": "ping"})
    assert await mine.receive_json_from() == {"type": "pong"}
    await mine.disconnect()
    await theirs.disconnect()
