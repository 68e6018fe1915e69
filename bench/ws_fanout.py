"""Websocket fan-out: an order notifying 1,000 store staff connected to 2 Daphne processes over Redis, against a
plain `websockets` broadcast of the same payload.

    .venv/bin/python bench/ws_fanout.py            # 1,000 clients, 20 orders (needs PostgreSQL and Redis)
    .venv/bin/python bench/ws_fanout.py --quick    # 200 clients, 5 orders, well under a minute

Each run starts a throwaway PostgreSQL and Redis on loopback (`platform/localengines.py`), builds a fresh
database in a temporary MARKETPLACE_VAR_DIR (tables from the models, the demo without its catalogues), one
approved product of the demo supplier listed in `sunrise-online` with enough stock, and N users, each a staff
member (`parties.Membership`) of `sunrise-online` with a signed-in database session (distinct users: the
consumer caps sockets per user and process, NOTIFICATIONS_MAX_SOCKETS_PER_USER).

- ours: two Daphne processes (`marketplace.asgi:application`, the Redis channel layer) on loopback; the N
  clients connect to `/ws/portal/` with their session cookie and an allowed Origin, half to each process, and
  wait for their `hello` (so each socket has joined `store.<id>`). Then K rounds: the bench places a real order
  in `sunrise-online` (`storefront.services.order_place`, which writes the `order.placed` outbox event in the
  order's transaction); on commit the immediate django-tasks backend runs `outbox_dispatch` in the bench
  process, which `group_send`s the event over Redis to both Daphne processes, whose consumers word it and push
  it to every socket. Latency = receipt of the notification (matched by `params.number`) by each client minus
  the commit (an `on_commit` hook registered before the order's own ones, so it runs first). The shopper's
  confirmation e-mail is off (`notify=False`, as in the tests): it is not part of the notification path.
- baseline: a plain `websockets` server (`websockets.asyncio.server.serve` + `broadcast`, in the bench process)
  with the same N clients broadcasts K times the same JSON text a client received in ours (the order number
  swapped for a round key of the same length, so the same size). Latency = receipt minus the moment just
  before `broadcast`.

The clients run in two separate processes (`multiprocessing`, spawned: no Django in them), so their event loops
share no GIL with the order placement or the server; each stamps a message the moment its read returns. Times
are CLOCK_MONOTONIC, one clock for every process of the machine. A round starts when every client has the
previous one; one warm-up round (not counted) precedes each side. Every client must receive every round's
message exactly once (checked after a grace period): anything missing, doubled or unexpected fails the bench.
Both sides report p50 and p99 over all N x K receipts. The last line is `ws_fanout: ratio=X.XX (...)` with
ratio = our p50 / baseline p50.
"""

import argparse
import asyncio
import datetime
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

STORE = "sunrise-online"
SKU = "FANOUT-1"
WORKERS = 2  # Daphne processes
CLIENT_PROCESSES = 2
CONNECT_AT_ONCE = 25  # handshakes in flight per client process
CONNECT_TIMEOUT = 300.0  # seconds for all clients to connect and say hello
ROUND_TIMEOUT = 30.0  # seconds for every client to receive one round
ROUND_GAP = 0.1  # seconds between rounds, once everyone has the previous one
GRACE = 1.0  # seconds to wait for duplicates after the last round
START_TIMEOUT = 60.0  # seconds for a Daphne process to answer /healthz/


def now() -> float:
    """A clock every process of this machine shares (CLOCK_MONOTONIC is system-wide on Linux)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 clients and 5 orders instead of 1,000 and 20")
    parser.add_argument("--clients", type=int, help="websocket clients (overrides --quick)")
    parser.add_argument("--rounds", type=int, help="orders, and baseline broadcasts (overrides --quick)")
    return parser.parse_args(argv)


def raise_open_files(wanted: int) -> None:
    """Lift this process's (and its children's) open-file limit to `wanted`, as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil
    return ordered[int(rank) - 1]


# --- the clients (run in spawned processes: no Django here) -------------------------------------------------

def client_process(specs: list[tuple[str, dict]], origin_of: dict, commands, reports) -> None:
    """Connect `specs` (url, headers) sockets, report "ready", then report each round key once every socket of
    this process has it; on "stop" close them and send back every socket's receipts [(key, time)]."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the bench stops us; a Ctrl-C is for the bench
    try:
        asyncio.run(_clients(specs, origin_of, commands, reports))
    except Exception as error:  # noqa: BLE001  (sent to the bench, which fails loudly)
        reports.send(("error", repr(error)))


async def _clients(specs, origin_of, commands, reports) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(CONNECT_AT_ONCE)
    received: list[list[tuple[str, float]]] = [[] for _ in specs]
    got: dict[str, set[int]] = defaultdict(set)
    unexpected: list[str] = []
    sample: list[str] = []

    async def open_one(url: str, headers: dict):
        async with limit:
            socket = await connect(url, origin=origin_of[url], additional_headers=headers, open_timeout=60,
                                   ping_interval=None, close_timeout=5, max_queue=None)
            hello = json.loads(await asyncio.wait_for(socket.recv(), 60))
            if hello.get("type") != "hello":
                raise RuntimeError(f"expected hello, got {hello!r}")
            return socket

    sockets = await asyncio.gather(*(open_one(url, headers) for url, headers in specs))
    reports.send(("ready", len(sockets)))

    async def listen(index: int, socket) -> None:
        try:
            async for text in socket:
                stamp = now()
                message = json.loads(text)
                key = (message.get("params") or {}).get("number")
                if message.get("type") != "notification" or not isinstance(key, str | int):
                    unexpected.append(text[:200])
                    continue
                key = str(key)
                received[index].append((key, stamp))
                if not sample:
                    sample.append(text)
                got[key].add(index)
                if len(got[key]) == len(sockets):
                    reports.send(("round", key))
        except Exception as error:  # noqa: BLE001  (a socket closed under us: reported as unexpected)
            unexpected.append(f"socket {index}: {error!r}")

    listeners = [asyncio.create_task(listen(index, socket)) for index, socket in enumerate(sockets)]
    command = await loop.run_in_executor(None, commands.recv)
    assert command == "stop", command
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    reports.send(("done", received, unexpected, sample[0] if sample else None))


class Clients:
    """The client processes, seen from the bench."""

    def __init__(self, specs: list[tuple[str, dict]], origin_of: dict):
        context = multiprocessing.get_context("spawn")
        self.processes, self.commands, self.reports = [], [], []
        for number in range(CLIENT_PROCESSES):
            commands_out, commands_in = context.Pipe(duplex=False)[::-1]
            reports_in, reports_out = context.Pipe(duplex=False)
            process = context.Process(target=client_process, daemon=True, name=f"ws-clients-{number}",
                                      args=(specs[number::CLIENT_PROCESSES], origin_of, commands_in, reports_out))
            process.start()
            self.processes.append(process)
            self.commands.append(commands_out)
            self.reports.append(reports_in)

    def expect(self, kind: str, timeout: float, key: str | None = None) -> list:
        """One report of `kind` (for `key`) from every client process, within `timeout` seconds."""
        answers = []
        deadline = time.monotonic() + timeout
        for number, reports in enumerate(self.reports):
            if not reports.poll(max(0.0, deadline - time.monotonic())):
                raise RuntimeError(f"client process {number}: no {kind!r} {key or ''} within {timeout:.0f} s")
            try:
                answer = reports.recv()
            except EOFError:
                raise RuntimeError(f"client process {number} died") from None
            if answer[0] == "error":
                raise RuntimeError(f"client process {number} failed: {answer[1]}")
            if answer[0] != kind or (key is not None and answer[1] != key):
                raise RuntimeError(f"client process {number}: expected {kind!r} {key or ''}, got {answer[:2]!r}")
            answers.append(answer)
        return answers

    def stop(self) -> tuple[list[list[tuple[str, float]]], list[str], str | None]:
        """Close every socket; (receipts per socket, unexpected messages, one notification text)."""
        for commands in self.commands:
            commands.send("stop")
        received, unexpected, sample = [], [], None
        for _kind, socket_receipts, odd, text in self.expect("done", 120):
            received += socket_receipts
            unexpected += odd
            sample = sample or text
        for process in self.processes:
            process.join(10)
        return received, unexpected, sample

    def kill(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join(5)


def run_rounds(clients: Clients, fire, rounds: int) -> tuple[str, dict[str, float]]:
    """A warm-up round, then `rounds` counted rounds of `fire()` → (key, start time), each started once every
    client has the previous one. Returns (warm-up key, {key: start} of the counted rounds)."""
    warm_key, _start = fire()
    clients.expect("round", ROUND_TIMEOUT, warm_key)
    starts: dict[str, float] = {}
    for _round in range(rounds):
        time.sleep(ROUND_GAP)
        key, start = fire()
        starts[key] = start
        clients.expect("round", ROUND_TIMEOUT, key)
    return warm_key, starts


def latencies(received, unexpected, starts: dict[str, float], warm_key: str, clients: int) -> list[float]:
    """Every client's receipt minus its round's start; fails on a missing, doubled or unexpected message."""
    problems = []
    if len(received) != clients:
        problems.append(f"{len(received)} sockets reported, expected {clients}")
    wanted = set(starts) | {warm_key}
    samples = []
    for index, receipts in enumerate(received):
        keys = [key for key, _stamp in receipts]
        if sorted(keys) != sorted(wanted):
            missing = wanted - set(keys)
            doubled = sorted({key for key in keys if keys.count(key) > 1})
            extra = sorted(set(keys) - wanted)
            problems.append(f"socket {index}: missing {sorted(missing)}, twice {doubled}, unknown {extra}")
        samples += [stamp - starts[key] for key, stamp in receipts if key in starts]
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected messages, e.g. {unexpected[:3]}")
    if problems:
        raise RuntimeError("; ".join(problems[:10]))
    return samples


# --- ours ---------------------------------------------------------------------------------------------------

def build(clients: int, rounds: int):
    """The demo, one SKU listed in sunrise-online with stock for every round, a shopper, and `clients` staff of
    the store with a session each. Returns (store, product, shopper, session keys)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from oscar.core.loading import get_model

    from distributor.models import PriceRule
    from distributor.services import listings_save
    from parties.demo import load_demo
    from parties.models import Distributor, Membership, Role, Store
    from supplier import services as catalogue
    from supplier.catalogue_input import ProductInput, VariantInput

    StockRecord = get_model("partner", "StockRecord")
    User = get_user_model()

    load_demo(with_catalogue=False)
    owner = User.objects.get(email="supplier@demo.test")
    supplier = owner.memberships.get().supplier
    units = rounds + 10
    data = ProductInput(title="Fan-out tea", description="Everybody hears of it.", category="Tea > Green tea",
                        product_class="Tea", variants=[VariantInput(
                            sku=SKU, wholesale_price=Decimal("10.00"), suggested_retail_price=Decimal("20.00"),
                            min_retail_price=Decimal("12.00"), stock={"hz": units, "sh": 0})])
    entry = catalogue.product_create(actor=owner, supplier=supplier, data=data)
    catalogue.product_submit(actor=owner, entry=entry)
    catalogue.product_approve(actor=User.objects.get(email="operator@demo.test"), entry=entry)
    record = StockRecord.objects.get(partner_id=supplier.partner_id, partner_sku=SKU)
    store = Store.objects.get(slug=STORE)
    listings_save(actor=User.objects.get(email="distributor@demo.test"),
                  distributor=Distributor.objects.get(slug="sunrise-retail"), store_ids=[store.pk],
                  record_ids=[record.pk], rule=PriceRule.SUGGESTED)

    password = make_password(None)  # unusable; the same for all, so hashing runs once
    User.objects.bulk_create([User(username=f"fanout{n}", email=f"fanout{n}@example.test", password=password)
                              for n in range(clients)], batch_size=1000)
    staff = list(User.objects.filter(username__startswith="fanout").order_by("pk"))
    Membership.objects.bulk_create([Membership(user=user, store=store, role=Role.STAFF) for user in staff],
                                   batch_size=1000)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + datetime.timedelta(days=1)
    sessions = []
    for user in staff:
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(Session(session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                                session_data=SessionStore().encode(data), expire_date=expires))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return store, record.product, User.objects.get(email="shopper@demo.test"), [s.session_key for s in sessions]


def order_round(store, product, shopper, dispatch: list[float]):
    """Place one order in `store`; (order number, commit time). Fails unless it wrote its order.placed event.
    Appends to `dispatch` the seconds from the commit to the end of the on-commit work (the outbox dispatch,
    whose group_send has handed the event to Redis by then)."""
    from django.db import transaction
    from django.db.models import Q
    from oscar.core.loading import get_class, get_model

    from notifications.models import OutboxEvent
    from storefront.addresses import shipping_address_new
    from storefront.services import order_place

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=shopper)
    basket.strategy = get_class("partner.strategy", "Selector")().strategy(store=store)
    basket.add_product(product, 1, store=store)
    committed = []
    with transaction.atomic():  # the commit time is taken first, before the order's own on-commit work
        transaction.on_commit(lambda: committed.append(now()))
        order = order_place(basket=basket, store=store, user=shopper, shipping_address=shipping_address_new(),
                            notify=False)
    dispatch.append(now() - committed[0])
    number = str(order.number)  # stored as text or as a whole number in the event's params
    events = OutboxEvent.objects.filter(Q(params__number=number) | Q(params__number=int(number)), kind="order.placed")
    if events.count() != 1 or events.filter(sent_at=None).exists():
        raise RuntimeError(f"order {order.number}: expected one order.placed event, sent on commit; got "
                           f"{list(events.values('pk', 'sent_at', 'attempts', 'last_error'))}")
    return number, committed[0]


def start_daphne(port: int, env: dict, log_dir: str) -> subprocess.Popen:
    log = open(os.path.join(log_dir, f"daphne-{port}.log"), "w")  # noqa: SIM115  (the child holds it)
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "daphne"), "-b", "127.0.0.1", "-p", str(port), "-v", "0",
         "--websocket_connect_timeout", "120", "--ping-interval", "600", "marketplace.asgi:application"],
        cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(process: subprocess.Popen, port: int, log: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne on {port} exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as answer:  # noqa: S310
                if json.loads(answer.read()).get("channel_layer") != "RedisChannelLayer":
                    raise RuntimeError(f"daphne on {port} does not use the Redis channel layer")
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne on {port} did not answer /healthz/ within {START_TIMEOUT:.0f} s:\n{tail(log)}")


def tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_workers(folder: str) -> tuple[list[subprocess.Popen], list[int]]:
    """The Daphne processes, started early: they load Django while the bench builds the database."""
    from localengines import free_port

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
           "DJANGO_SETTINGS_MODULE": "marketplace.settings"}
    ports = [free_port() for _ in range(WORKERS)]
    return [start_daphne(port, env, folder) for port in ports], ports


def ours(folder: str, daphnes: list[subprocess.Popen], ports: list[int], store, product, shopper,
         session_keys: list[str], rounds: int):
    """(latencies, one notification text as received, median seconds from commit to dispatch done)."""
    from django.db import connections

    connections.close_all()
    clients = None
    try:
        for process, port in zip(daphnes, ports, strict=True):
            wait_healthy(process, port, os.path.join(folder, f"daphne-{port}.log"))
        started = time.perf_counter()
        urls = [f"ws://127.0.0.1:{port}/ws/portal/" for port in ports]
        origin_of = {url: f"http://127.0.0.1:{port}" for url, port in zip(urls, ports, strict=True)}
        specs = [(urls[n % WORKERS], {"Cookie": f"sessionid={key}"}) for n, key in enumerate(session_keys)]
        clients = Clients(specs, origin_of)
        clients.expect("ready", CONNECT_TIMEOUT)
        print(f"ours: {len(specs)} clients connected to {WORKERS} Daphne processes (ports {ports}) and said hello "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        dispatch: list[float] = []
        warm_key, starts = run_rounds(clients, lambda: order_round(store, product, shopper, dispatch), rounds)
        time.sleep(GRACE)
        received, unexpected, sample = clients.stop()
        samples = latencies(received, unexpected, starts, warm_key, len(specs))
        return samples, sample, percentile(dispatch[1:], 0.5)
    except Exception:
        for port in ports:
            print(f"--- daphne on {port} (last lines):\n{tail(os.path.join(folder, f'daphne-{port}.log'))}",
                  file=sys.stderr)
        raise
    finally:
        if clients is not None:
            clients.kill()
        stop_processes(daphnes)


# --- baseline -----------------------------------------------------------------------------------------------

def baseline(sample: str, number_length: int, count: int, rounds: int) -> list[float]:
    """The same clients on a plain websockets server broadcasting `sample` (its order number swapped)."""
    from localengines import free_port

    port = free_port()
    url = f"ws://127.0.0.1:{port}/"
    message = json.loads(sample)
    if json.dumps(message) != sample:
        raise RuntimeError("the notification does not read back as the same JSON text")
    results = {}

    async def handler(socket):
        await socket.send(json.dumps({"type": "hello"}))
        await socket.wait_closed()

    async def serve_and_broadcast():
        from websockets.asyncio.server import broadcast, serve

        async with serve(handler, "127.0.0.1", port, ping_interval=None, max_queue=None) as server:
            loop = asyncio.get_running_loop()
            clients = Clients([(url, {}) for _ in range(count)], {url: f"http://127.0.0.1:{port}"})
            try:
                await loop.run_in_executor(None, clients.expect, "ready", CONNECT_TIMEOUT)
                print(f"baseline: {count} clients connected to a plain websockets server", flush=True)
                counter = iter(range(10 ** (number_length - 1)))

                async def send(payload: str) -> float:
                    start = now()
                    broadcast(server.connections, payload)  # writes every frame now, waits for none
                    return start

                def fire():  # called from the rounds' thread; stamps and broadcasts in the server's loop
                    key = "9" + str(next(counter)).zfill(number_length - 1)  # as long as an order number
                    number = message["params"]["number"]
                    payload = json.dumps({**message, "params": {
                        **message["params"], "number": key if isinstance(number, str) else int(key)}})
                    if len(payload) != len(sample):
                        raise RuntimeError(f"baseline payload of {len(payload)} bytes, ours {len(sample)}")
                    return key, asyncio.run_coroutine_threadsafe(send(payload), loop).result()

                warm_key, starts = await loop.run_in_executor(None, run_rounds, clients, fire, rounds)
                await asyncio.sleep(GRACE)
                received, unexpected, _text = await loop.run_in_executor(None, clients.stop)
                results["samples"] = latencies(received, unexpected, starts, warm_key, count)
            finally:
                clients.kill()

    asyncio.run(serve_and_broadcast())
    return results["samples"]


# --- main ---------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    count = args.clients or (200 if args.quick else 1000)
    rounds = args.rounds or (5 if args.quick else 20)
    if count < CLIENT_PROCESSES or rounds < 1:
        print(f"need at least {CLIENT_PROCESSES} clients and 1 round", file=sys.stderr)
        return 2
    raise_open_files(4 * count + 1024)  # inherited by Daphne and the client processes
    for variable in ("DATABASE_URL", "REDIS_URL"):  # never the developer's own database
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix="bench-ws-fanout-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        os.environ["TASKS_BACKEND"] = "immediate"  # the dispatch runs on commit in the bench process
        from localengines import engines

        with engines(postgres=True, redis=True) as started:
            if "DATABASE_URL" not in started.env or "REDIS_URL" not in started.env:
                print("ws_fanout needs PostgreSQL and Redis: " + "; ".join(started.skipped), file=sys.stderr)
                return 2
            os.environ.update(started.env)
            return run(folder, count, rounds)


def run(folder: str, count: int, rounds: int) -> int:
    daphnes, ports = start_workers(folder)
    try:
        return measure(folder, daphnes, ports, count, rounds)
    finally:
        stop_processes(daphnes)


def measure(folder: str, daphnes: list[subprocess.Popen], ports: list[int], count: int, rounds: int) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    print(f"PostgreSQL: created tables of a fresh database in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    store, product, shopper, session_keys = build(count, rounds)
    print(f"built the demo, one SKU listed in {STORE} and {count} staff of it with a session each "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    try:
        our_samples, sample, dispatch = ours(folder, daphnes, ports, store, product, shopper, session_keys, rounds)
    except RuntimeError as error:
        print(f"ours: {error}", file=sys.stderr)
        return 1
    our_p50, our_p99 = percentile(our_samples, 0.50) * 1000, percentile(our_samples, 0.99) * 1000
    print(f"ours: {rounds} orders x {count} clients, commit to receipt p50 {our_p50:.1f} ms, p99 {our_p99:.1f} ms "
          f"({len(sample)} bytes a message; the outbox dispatch in the bench process returns {dispatch * 1000:.1f} ms "
          f"after the commit, median)", flush=True)

    number = str(json.loads(sample)["params"]["number"])
    try:
        base_samples = baseline(sample, len(number), count, rounds)
    except RuntimeError as error:
        print(f"baseline: {error}", file=sys.stderr)
        return 1
    base_p50, base_p99 = percentile(base_samples, 0.50) * 1000, percentile(base_samples, 0.99) * 1000
    print(f"baseline: {rounds} broadcasts x {count} clients, send to receipt p50 {base_p50:.1f} ms, "
          f"p99 {base_p99:.1f} ms", flush=True)
    print(f"ws_fanout: ratio={our_p50 / base_p50:.2f} (ours p50 {our_p50:.1f} ms p99 {our_p99:.1f} ms, commit to "
          f"receipt over Redis and {WORKERS} Daphne processes; plain websockets broadcast p50 {base_p50:.1f} ms "
          f"p99 {base_p99:.1f} ms; {count} clients, {rounds} rounds, {len(sample)}-byte message)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
