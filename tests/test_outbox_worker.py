"""The outbox dispatcher: a committed event reaches its group once, a rolled-back one never; a layer that is down
costs nothing but a retry; several dispatchers never send one row twice; `manage.py outbox_dispatch` reports."""

import asyncio
import logging
import re
import threading
from datetime import timedelta
from unittest.mock import patch

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils import timezone

from notifications.audiences import Audience
from notifications.models import Notification, OutboxEvent
from notifications.services import event_emit, outbox_dispatch
from tests.concurrency import run_together


@pytest.fixture(autouse=True)
def memory_layer(settings):
    """The in-memory layer, on both passes (pass 2's Redis layer has its own test: tests/test_outbox_redis.py)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _user(email: str):
    return get_user_model().objects.create_user(username=email, email=email, password="x")


def _emit(user, number: str) -> OutboxEvent:
    return event_emit(kind="order.placed", audiences=[Audience.user(user.pk)],
                      params={"number": number, "items": 1, "total": "¥10.00", "store": "Test store"})


def _outbox_quiet():
    """Rows left by earlier work (the demo) are not this test's business: count them as sent."""
    OutboxEvent.objects.filter(sent_at=None).update(sent_at=timezone.now())


class Listener:
    """A channel subscribed to one group of the configured (in-memory) layer, as a socket would be."""

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def drain(self) -> list[int]:
        """The event ids that arrived so far (group_send has already queued them when the dispatcher returns)."""
        async def collect():
            ids = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.2)
                except TimeoutError:
                    return ids
                ids.append(message["event"]["id"])

        return async_to_sync(collect)()


class Recorder:
    """A channel layer that records what it is asked to send (thread-safe), or refuses while `down`."""

    def __init__(self):
        self.sent: list[tuple[str, int]] = []
        self.down = False
        self.lock = threading.Lock()

    async def group_send(self, group, message):
        if self.down:
            raise ConnectionError("Connection refused: the layer is down")
        with self.lock:
            self.sent.append((group, message["event"]["id"]))


@pytest.fixture
def recorder(monkeypatch):
    layer = Recorder()
    monkeypatch.setattr("notifications.services.get_channel_layer", lambda: layer)
    return layer


# --- (a) committed → delivered once; rolled back → nothing ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_committed_event_reaches_its_group_once_and_is_marked_sent():
    _outbox_quiet()
    user = _user("buyer-a@example.test")
    listener = Listener(Audience.user(user.pk).group)
    with transaction.atomic():
        event = _emit(user, "100001")
        assert listener.drain() == []  # nothing leaves before the commit
    assert listener.drain() == [event.pk]
    event.refresh_from_db()
    assert event.sent_at is not None and event.attempts == 0
    assert Notification.objects.filter(user=user, event=event).count() == 1
    assert outbox_dispatch().sent == []  # a later run sends nothing again
    assert listener.drain() == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_event_writes_nothing_and_sends_nothing():
    _outbox_quiet()
    user = _user("buyer-b@example.test")
    listener = Listener(Audience.user(user.pk).group)
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _emit(user, "100002")
        raise RuntimeError("payment declined")  # the change fails after the event was recorded
    assert OutboxEvent.objects.count() == before
    assert not Notification.objects.filter(user=user).exists()
    outbox_dispatch()
    assert listener.drain() == []


# --- (b) the layer is down: the change commits, the row backs off, a later run delivers it once ----------------------

@pytest.mark.django_db(transaction=True)
def test_layer_down_keeps_the_event_and_a_later_run_delivers_it_once(monkeypatch, caplog):
    _outbox_quiet()
    user = _user("buyer-c@example.test")
    listener = Listener(Audience.user(user.pk).group)
    layer = get_channel_layer()

    async def refuse(group, message):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(layer, "group_send", refuse)
    caplog.set_level(logging.WARNING, logger="notifications.services")
    with transaction.atomic():
        event = _emit(user, "100003")
    event.refresh_from_db()  # committed although delivery failed
    assert Notification.objects.filter(user=user, event=event).exists()
    assert event.sent_at is None and event.attempts == 1
    assert event.next_attempt_at > timezone.now()
    assert "Connection refused" in event.last_error
    assert any(f"event {event.pk}" in record.getMessage() and record.levelno == logging.WARNING
               for record in caplog.records)
    assert outbox_dispatch().sent == []  # not due yet: backing off

    monkeypatch.undo()  # the layer is back
    OutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())  # the back-off has passed
    assert outbox_dispatch().sent == [event.pk]
    assert listener.drain() == [event.pk]
    assert outbox_dispatch().sent == []
    assert listener.drain() == []
    event.refresh_from_db()
    assert event.sent_at is not None


# --- (c) several dispatchers ----------------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_dispatchers_never_send_a_row_twice(recorder):
    _outbox_quiet()
    user = _user("buyer-d@example.test")
    recorder.down = True  # the on-commit runs fail: every row is left due for the racing dispatchers
    for number in range(40):
        with transaction.atomic():
            _emit(user, f"2000{number:02d}")
    ids = set(OutboxEvent.objects.filter(sent_at=None).values_list("pk", flat=True))
    assert len(ids) == 40
    OutboxEvent.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    recorder.down = False
    results = run_together(lambda: outbox_dispatch(limit=7), [()] * 4, timeout=30)
    assert [result for result in results if isinstance(result, Exception)] == []
    sent_ids = [pk for _, pk in recorder.sent]
    assert sorted(sent_ids) == sorted(ids)  # every row once, none twice
    assert not OutboxEvent.objects.filter(pk__in=ids, sent_at=None).exists()


def test_a_row_leased_by_another_dispatcher_is_skipped_until_its_lease_expires(db, recorder):
    _outbox_quiet()
    user = _user("buyer-e@example.test")
    held, free = _emit(user, "300001"), _emit(user, "300002")  # in a test transaction: not dispatched yet
    OutboxEvent.objects.filter(pk=held.pk).update(lease_token="a" * 32,
                                                  lease_until=timezone.now() + timedelta(seconds=30))
    assert outbox_dispatch().sent == [free.pk]  # dispatcher B leaves A's row alone
    held.refresh_from_db()
    assert held.sent_at is None and held.lease_token == "a" * 32

    OutboxEvent.objects.filter(pk=held.pk).update(lease_until=timezone.now() - timedelta(seconds=1))  # A died
    assert outbox_dispatch().sent == [held.pk]  # taken over
    assert sorted(pk for _, pk in recorder.sent) == sorted([held.pk, free.pk])
    held.refresh_from_db()
    assert held.sent_at is not None and held.lease_token == ""


def test_a_failed_row_and_the_rest_of_its_batch_wait_their_back_off(db, recorder):
    _outbox_quiet()
    user = _user("buyer-f@example.test")
    first, second = _emit(user, "400001"), _emit(user, "400002")
    recorder.down = True
    result = outbox_dispatch()
    assert result.sent == [] and result.failed == [first.pk, second.pk] and "layer is down" in result.error
    assert set(OutboxEvent.objects.filter(pk__in=[first.pk, second.pk]).values_list("attempts", flat=True)) == {1}
    recorder.down = False
    assert outbox_dispatch().sent == []  # both are backing off
    OutboxEvent.objects.filter(pk__in=[first.pk, second.pk]).update(next_attempt_at=timezone.now())
    assert outbox_dispatch().sent == [first.pk, second.pk]
    assert [pk for _, pk in recorder.sent] == [first.pk, second.pk]


# --- (d) manage.py outbox_dispatch ------------------------------------------------------------------------------------

def _run_command(*args) -> tuple[int, str, str]:
    """Run the command the way manage.py does: (exit code, stdout, stderr)."""
    from io import StringIO

    from notifications.management.commands.outbox_dispatch import Command

    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    try:  # run_from_argv closes the connections when done: that would end the test's transaction
        with patch.object(connections, "close_all"):
            command.run_from_argv(["manage.py", "outbox_dispatch", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_command_sends_due_events_and_says_how_many(db, recorder):
    _outbox_quiet()
    user = _user("buyer-g@example.test")
    first, second = _emit(user, "500001"), _emit(user, "500002")
    code, out, err = _run_command()
    assert code == 0, err
    assert out.strip() == "Sent 2 event(s), 0 failed."
    assert sorted(pk for _, pk in recorder.sent) == [first.pk, second.pk]
    code, out, _ = _run_command()
    assert code == 0 and out.strip() == "Sent 0 event(s), 0 failed."


def test_command_fails_with_the_layer_error_and_keeps_the_events(db, recorder):
    _outbox_quiet()
    user = _user("buyer-h@example.test")
    event = _emit(user, "600001")
    recorder.down = True
    code, out, err = _run_command()
    assert code != 0
    assert "Sent 0 event(s), 1 failed." in out
    assert "Channel layer failed" in err and "the layer is down" in err
    event.refresh_from_db()
    assert event.sent_at is None and event.attempts == 1


def test_command_pending_reports_backlog_without_sending(db, recorder):
    _outbox_quiet()
    code, out, _ = _run_command("--pending")
    assert code == 0 and out.strip() == "Pending: 0 (due now: 0, failing: 0)"

    user = _user("buyer-i@example.test")
    old, failing = _emit(user, "700001"), _emit(user, "700002")
    OutboxEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    OutboxEvent.objects.filter(pk=failing.pk).update(attempts=3, last_error="ConnectionError('refused')",
                                                     next_attempt_at=timezone.now() + timedelta(seconds=8))
    code, out, _ = _run_command("--pending")
    assert code == 0
    assert "Pending: 2 (due now: 1, failing: 1)" in out
    age = int(re.search(r"Oldest pending: (\d+) s old", out).group(1))
    assert 120 <= age < 180
    assert "most attempts: 3" in out and "Last error: ConnectionError('refused')" in out
    assert recorder.sent == []  # --pending delivers nothing
    assert OutboxEvent.objects.filter(pk__in=[old.pk, failing.pk], sent_at=None).count() == 2
