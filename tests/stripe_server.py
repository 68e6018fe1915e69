"""Stripe without the internet: a real localstripe server, its webhooks caught, and locally signed webhooks.

`run_localstripe()` starts localstripe in a child process bound to a free loopback port (never all interfaces,
never its shared /tmp pickle), registers a webhook endpoint served by a small HTTP catcher in this process, and
stops both afterwards. Tests take a caught delivery (body + Stripe-Signature, exactly as localstripe signed it)
and post it to our webhook view. `signature_header()` signs a payload the way Stripe does, for hand-made events.

Run directly (`python tests/stripe_server.py`) it is the child: it prints its port, then serves.
"""

import contextlib
import hashlib
import hmac
import json
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBHOOK_SECRET = "whsec_local_test_secret"
SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"


def signature_header(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`: t=<unix time>,v1=HMAC-SHA256(secret, f"{t}.{payload}")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


@dataclass
class Delivery:
    body: bytes
    signature: str

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class LocalStripe:
    base: str
    deliveries: "queue.Queue[Delivery]" = field(default_factory=queue.Queue)
    _seen: list = field(default_factory=list)

    def call(self, method: str, path: str, data: dict | None = None) -> dict:
        """A raw API call (what the shopper's browser would do through Stripe.js)."""
        body = urllib.parse.urlencode(_flatten(data or {})).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=body, method=method,
                                         headers={"Authorization": f"Bearer {SECRET_KEY}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return {"error": json.loads(error.read() or b"{}").get("error", {}), "status": error.code}

    def card_payment(self, intent_id: str, number: str) -> dict:
        """Stripe.js's confirmCardPayment, the localstripe way: create the card, attach it, confirm."""
        method = self.call("POST", "/v1/payment_methods", {"type": "card", "card": {
            "number": number, "exp_month": "12", "exp_year": "2040", "cvc": "123"}})
        self.call("POST", f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]})
        return self.call("POST", f"/v1/payment_intents/{intent_id}/confirm", {})

    def delivery(self, event_type: str, object_id: str, timeout: float = 15.0) -> Delivery:
        """The webhook localstripe sent for `event_type` about `object_id` (it sends them about a second later)."""
        deadline = time.monotonic() + timeout
        while True:
            for caught in self._seen:
                event = caught.event
                if event["type"] == event_type and event["data"]["object"].get("id") == object_id:
                    return caught
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"localstripe sent no {event_type} for {object_id}")
            with contextlib.suppress(queue.Empty):
                self._seen.append(self.deliveries.get(timeout=remaining))


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, str]]:
    pairs = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            pairs += _flatten(value, name)
        else:
            pairs.append((name, str(value)))
    return pairs


def _catcher(deliveries: "queue.Queue[Delivery]") -> ThreadingHTTPServer:
    class Catch(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            deliveries.put(Delivery(body=body, signature=self.headers.get("Stripe-Signature", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Catch)


@contextlib.contextmanager
def run_localstripe():
    child = subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    catcher = None
    try:
        port = int(child.stdout.readline().strip() or 0)
        if not port:
            raise RuntimeError("localstripe did not start (is it installed? pip install localstripe==1.15.6)")
        server = LocalStripe(base=f"http://127.0.0.1:{port}")
        _wait_until_it_answers(server)
        catcher = _catcher(server.deliveries)
        threading.Thread(target=catcher.serve_forever, daemon=True).start()
        hook = f"http://127.0.0.1:{catcher.server_address[1]}/"
        request = urllib.request.Request(f"{server.base}/_config/webhooks/tests", method="POST",
                                         data=urllib.parse.urlencode({"url": hook, "secret": WEBHOOK_SECRET}).encode())
        urllib.request.urlopen(request, timeout=10).close()
        yield server
    finally:
        if catcher is not None:
            catcher.shutdown()
            catcher.server_close()
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


def _wait_until_it_answers(server: LocalStripe, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.call("GET", "/v1/customers")
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _serve() -> None:
    """The child: localstripe's app on a free loopback port, state in memory only."""
    import socket

    import localstripe.resources as resources

    resources.Store.dump_to_disk = lambda self: None  # its default writes /tmp/localstripe.pickle on every change
    from aiohttp import web
    from localstripe.server import app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None, handle_signals=True)


if __name__ == "__main__":
    _serve()
