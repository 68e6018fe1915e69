"""Redis stops during a burst of events: every notification still reaches the store's phone once after it returns.
And the production path: RQ workers run the dispatcher (on commit, deferred retries, RQ's cron safety net).

Each test starts its OWN throwaway redis-server (stopping it must not disturb the Redis the rest of pass 2 uses),
so these run on pass 2 of `make test` (REDIS_URL set, redis-server installed) and are skipped otherwise.
"""

import asyncio
import shutil
import socket
import subprocess
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from localengines import free_port
from marketplace.asgi import application
from notifications.audiences import Audience
from notifications.consumers import NotificationConsumer
from notifications.models import OutboxEvent
from notifications.services import event_emit, outbox_dispatch

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None,
                       reason="needs redis-server on PATH to start and stop a Redis of its own"),
]

ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]
READY_TIMEOUT = 30.0


class ThrowawayRedis:
    """A redis-server of this test only, on a fixed free port, stopped and started again on that same port."""

    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _pings(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        while not self._pings():  # wait for readiness (bounded), not an assertion
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"throwaway redis-server did not start on port {self.port}:\n{log}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        assert not self._pings()


@pytest.fixture
def own_redis(tmp_path):
    server = ThrowawayRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_layer(own_redis, settings):
    """The channel layer on the throwaway Redis (assigning the setting resets channels' cached layers)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [own_redis.url]}}}
    return own_redis


def _quiet_store():
    """The demo store and its admin; rows left by earlier work are counted as sent."""
    from parties.demo import load_demo
    from parties.models import Store

    load_demo(with_catalogue=False)
    OutboxEvent.objects.filter(sent_at=None).update(sent_at=timezone.now())
    return Store.objects.get(slug="sunrise-online"), get_user_model().objects.get(email="storeadmin@demo.test")


def _order_event(store, number: str) -> int:
    """One committed event for the store's people, as an order placed there would write it."""
    with transaction.atomic():
        event = event_emit(kind="order.placed", audiences=[Audience.store(store.pk)],
                           params={"number": number, "items": 1, "total": "¥88.00", "store": store.name})
    return event.pk


async def _socket(client, user) -> WebsocketCommunicator:
    await sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(application, "/ws/portal/", headers=ORIGIN + [(b"cookie", cookie)])
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def _notifications(communicator) -> list[dict]:
    """Everything the socket sends until it is quiet: live notifications and catch-up items, in order."""
    received = []
    while not await communicator.receive_nothing(timeout=0.5):
        message = await communicator.receive_json_from()
        if message["type"] == "notification":
            received.append(message)
        elif message["type"] == "catch_up":
            received.extend(message["items"])
            assert not message["more"]
    return received


async def test_redis_stopped_during_a_burst_every_notification_arrives_once_after_it_returns(redis_layer, client):
    store, admin = await sync_to_async(_quiet_store)()
    phone = await _socket(client, admin)
    hello = await phone.receive_json_from()
    assert hello["type"] == "hello"

    live = await sync_to_async(_order_event)(store, "R-0")  # Redis up: the phone sees it at once
    message = await phone.receive_json_from(timeout=5)
    assert message["type"] == "notification" and message["id"] == live
    last_seen = live

    redis_layer.stop()
    burst = [await sync_to_async(_order_event)(store, f"R-{n}") for n in range(1, 6)]
    rows = await sync_to_async(lambda: list(OutboxEvent.objects.filter(pk__in=burst).order_by("pk")))()
    assert [row.pk for row in rows] == burst  # every order's event committed although delivery failed
    assert all(row.sent_at is None and row.attempts >= 1 and row.last_error for row in rows)
    with pytest.raises(RedisConnectionError):  # the old socket ended with the layer (daphne closes it)
        await phone.receive_output(timeout=5)
    assert NotificationConsumer.open_sockets[admin.pk] == 0  # and gave its place back: no lock-out after outages

    redis_layer.start()  # same port, empty (no persistence): the new socket joins its groups again
    phone = await _socket(client, admin)  # the client reconnects
    hello = await phone.receive_json_from()
    assert hello["last_id"] == burst[-1]
    await phone.send_json_to({"type": "catch_up", "after": last_seen})
    await sync_to_async(lambda: OutboxEvent.objects.filter(pk__in=burst).update(
        next_attempt_at=timezone.now()))()  # the back-off has passed
    result = await sync_to_async(outbox_dispatch)()
    assert result.sent == burst and result.error == ""
    after = await sync_to_async(_order_event)(store, "R-6")  # and live delivery works again
    received = await _notifications(phone)
    ids = [item["id"] for item in received]
    assert len(ids) == len(set(ids)), f"the consumer sent an id twice: {ids}"
    assert sorted({*ids}) == [*burst, after]  # what the client keeps after deduping by id: each exactly once
    assert await sync_to_async(lambda: OutboxEvent.objects.filter(pk__in=[*burst, after], sent_at=None).count())() == 0
    await phone.disconnect()


def test_rq_worker_runs_the_dispatcher_on_commit_on_retry_and_from_cron(own_redis, settings, monkeypatch):
    """TASKS_BACKEND=rq: commit enqueues on Redis, a worker delivers; a failed run defers its retry; the cron job
    of `marketplace.rq_cron` delivers what a lost enqueue left behind."""
    import django_rq
    from django_rq.cron import DjangoCronScheduler
    from django_tasks_rq import Job
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    store, _ = _quiet_store()
    settings.RQ_QUEUES = {"default": {"URL": own_redis.url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()  # this test is about the queue, not the layer
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(Audience.store(store.pk).group, channel)

    async def arrived() -> list[int]:
        ids = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.2)
            except TimeoutError:
                return ids
            ids.append(message["event"]["id"])

    def worker_run() -> list[int]:
        """One burst of an RQ worker as `manage.py rqworker --job-class django_tasks_rq.Job` runs it (no fork)."""
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        return async_to_sync(arrived)()  # what the store's sockets would have been sent

    first = _order_event(store, "Q-1")
    assert len(queue) == 1 and OutboxEvent.objects.get(pk=first).sent_at is None  # waits for a worker
    assert worker_run() == [first]
    assert OutboxEvent.objects.get(pk=first).sent_at is not None

    async def refuse(group, message):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(layer, "group_send", refuse)
    second = _order_event(store, "Q-2")
    assert worker_run() == []
    assert OutboxEvent.objects.get(pk=second).attempts == 1
    assert ScheduledJobRegistry(queue=queue).count == 1  # the retry is deferred, for a --with-scheduler worker
    monkeypatch.undo()

    def lost_enqueue(**kwargs):
        raise ConnectionError("Redis unreachable at commit")

    monkeypatch.setattr("notifications.services.schedule_dispatch", lost_enqueue)
    third = _order_event(store, "Q-3")
    assert len(queue) == 0  # nothing was enqueued for it
    OutboxEvent.objects.filter(pk=second).update(next_attempt_at=timezone.now())
    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("marketplace.rq_cron")
    assert [(job.name, job.interval) for job in scheduler.get_jobs()] == [
        ("outbox-safety-net", 30), ("settlement-daily", 86400), ("cms-publish-scheduled", 60),
        ("announcements-due", 60), ("webhooks-retry", 60)]
    scheduler._cron_jobs = [job for job in scheduler.get_jobs() if job.name == "outbox-safety-net"]
    scheduler.enqueue_jobs()
    assert len(queue) == 1
    assert worker_run() == [second, third]
    assert not OutboxEvent.objects.filter(pk__in=[first, second, third], sent_at=None).exists()
