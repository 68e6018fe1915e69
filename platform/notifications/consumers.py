"""The one websocket endpoint per signed-in user (`/ws/portal/`): live notifications and catch-up.

The socket joins the groups of its user's memberships (never one a client names). Client messages are small JSON
objects: `ping`, `catch_up` {after}, `ack` {ids}, `read` {ids}, `subscribe` {group}. Anything else, or anything
malformed, is answered with an error and logged; it never closes or crashes the consumer.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, deque
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation

from notifications.audiences import socket_groups
from notifications.selectors import notification_message, notification_state, notifications_after
from notifications.services import notifications_mark_delivered, notifications_mark_read

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096
MAX_IDS = 200
REMEMBERED = 2000  # ids a socket remembers having sent, to drop a redelivered event
CLOSE_ANONYMOUS = 4401
CLOSE_TOO_MANY = 4429


def max_sockets_per_user() -> int:
    return settings.NOTIFICATIONS_MAX_SOCKETS_PER_USER


def socket_language(scope) -> str:
    """The language the user reads, chosen as LocaleMiddleware chooses it for a page: the language cookie, else
    the browser's Accept-Language, else the default."""
    headers = dict(scope.get("headers") or [])
    request = SimpleNamespace(COOKIES=scope.get("cookies", {}), META={
        "HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")})
    return translation.get_language_from_request(request)


class RecentIds:
    """The last `size` event ids a socket sent, to drop an event that arrives again (through a second group, or
    redelivered by a retried dispatch); a set for the lookup, a queue for forgetting the oldest."""

    def __init__(self, size: int):
        self.size, self.ids, self.order = size, set(), deque()

    def add(self, event_id) -> bool:
        """Remember `event_id`; False when it was already sent."""
        if event_id in self.ids:
            return False
        self.ids.add(event_id)
        self.order.append(event_id)
        if len(self.order) > self.size:
            self.ids.discard(self.order.popleft())
        return True


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    open_sockets: Counter = Counter()  # per process: sockets open per user id

    async def connect(self):
        user = self.scope.get("user")
        self.counted = False
        if user is None or not user.is_authenticated:
            logger.info("Websocket refused: not signed in (%s)", self.scope.get("client"))
            await self.close(code=CLOSE_ANONYMOUS)
            return
        if self.open_sockets[user.pk] >= max_sockets_per_user():
            logger.warning("Websocket refused: user %s already has %s open", user.pk, self.open_sockets[user.pk])
            await self.close(code=CLOSE_TOO_MANY)
            return
        self.open_sockets[user.pk] += 1
        self.counted = True
        self.user = user
        self.language = socket_language(self.scope)
        self.sent = RecentIds(REMEMBERED)
        self.groups_joined = await database_sync_to_async(socket_groups)(user=user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        state = await database_sync_to_async(notification_state)(user=user)
        await self.send_json({"type": "hello", "user": user.get_username(), **state})

    async def __call__(self, scope, receive, send):
        """However the socket ends (closed, or its channel layer failing under it), its place is given back."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()

    def _release(self):
        if getattr(self, "counted", False):
            self.counted = False
            self.open_sockets[self.user.pk] -= 1
            if self.open_sockets[self.user.pk] <= 0:
                del self.open_sockets[self.user.pk]

    async def disconnect(self, code):
        self._release()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None or text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            return await self._refuse("malformed", "not a short text message")
        try:
            content = json.loads(text_data)
        except ValueError:
            return await self._refuse("malformed", "not JSON")
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            return await self._refuse("malformed", "not an object with a type")
        handler = {"ping": self._ping, "catch_up": self._catch_up, "ack": self._ack, "read": self._read,
                   "subscribe": self._subscribe}.get(content["type"])
        if handler is None:
            return await self._refuse("unknown", f"unknown type {content['type'][:40]!r}")
        await handler(content)

    async def _refuse(self, code: str, why: str):
        logger.warning("Websocket message from user %s ignored: %s", getattr(self.user, "pk", None), why)
        await self.send_json({"type": "error", "error": code, "detail": why})

    async def _ping(self, content):
        await self.send_json({"type": "pong"})

    async def _catch_up(self, content):
        after = content.get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            return await self._refuse("malformed", "catch_up needs a whole number `after`")
        items, more, state = await database_sync_to_async(self._missed)(after)
        for item in items:
            self.sent.add(item["id"])
        await self.send_json({"type": "catch_up", "items": items, "more": more, **state})

    def _missed(self, after: int):
        with translation.override(self.language):
            items, more = notifications_after(user=self.user, after=after)
        return items, more, notification_state(user=self.user)

    def _ids(self, content) -> list[int] | None:
        ids = content.get("ids")
        if not isinstance(ids, list) or not ids or len(ids) > MAX_IDS or not all(
                isinstance(pk, int) and not isinstance(pk, bool) for pk in ids):
            return None
        return ids

    async def _ack(self, content):
        ids = self._ids(content)
        if ids is None:
            return await self._refuse("malformed", "ack needs a list of ids")
        await database_sync_to_async(notifications_mark_delivered)(user=self.user, event_ids=ids)

    async def _read(self, content):
        ids = self._ids(content)
        if ids is None:
            return await self._refuse("malformed", "read needs a list of ids")
        await database_sync_to_async(notifications_mark_read)(user=self.user, event_ids=ids)
        state = await database_sync_to_async(notification_state)(user=self.user)
        await self.send_json({"type": "state", **state})

    async def _subscribe(self, content):
        group = content.get("group")
        if group in self.groups_joined:
            return await self.send_json({"type": "subscribed", "group": group})
        logger.warning("Websocket subscribe refused: user %s asked for group %r", self.user.pk, str(group)[:80])
        await self.send_json({"type": "error", "error": "forbidden", "detail": "not one of your groups"})

    async def portal_event(self, message):
        """An event for one of this socket's groups; sent once even if it arrives through two groups or again."""
        event = message.get("event") or {}
        if self.sent.add(event.get("id")):
            await self.send(text_data=worded(event, self.language))


WORDED_KEPT = 512
_worded: dict[tuple, str] = {}


def worded(event: dict, language: str) -> str:
    """The client message for an event in one language, worded and encoded once per process: a group of hundreds
    of sockets in one process costs one rendering, not hundreds. An event never changes once written, so its id,
    link (one per audience) and the language name the text."""
    key = (event["id"], event.get("link", ""), language)
    text = _worded.get(key)
    if text is None:
        with translation.override(language):
            text = json.dumps(notification_message(event=event, link=key[1]))
        if len(_worded) >= WORDED_KEPT:
            del _worded[next(iter(_worded))]  # the oldest
        _worded[key] = text
    return text
