"""A tiny local stand-in for Stripe Connect's POST /v1/transfers (localstripe has no Connect).

It speaks the documented shape: form-encoded `amount`, `currency`, `destination`, `metadata[...]`; an
`Idempotency-Key` header that returns the first answer again; a transfer object back, or Stripe's error body
(`{"error": {"type", "message", "code"}}`) with its HTTP status. It binds to loopback on a free port.

    with connect_stub() as stub:      # settings.STRIPE_API_BASE = stub.base
        stub.refuse("acct_closed", status=400, message="No such destination")
        ...
        stub.calls  # every request: {"path", "params", "idempotency_key", "authorization"}
"""

import contextlib
import itertools
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ConnectStub:
    def __init__(self):
        self.calls: list[dict] = []
        self.refusals: dict[str, tuple[int, str]] = {}
        self.answers: dict[str, tuple[int, dict]] = {}
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def refuse(self, destination: str, *, status: int = 400, message: str = "No such destination") -> None:
        """Transfers to `destination` are answered with a Stripe error."""
        self.refusals[destination] = (status, message)

    def transfers(self) -> list[dict]:
        return [call for call in self.calls if call["path"] == "/v1/transfers"]

    def answer(self, path: str, params: dict, key: str) -> tuple[int, dict]:
        with self.lock:
            if key and key in self.answers:
                return self.answers[key]
            if path != "/v1/transfers":
                result = (404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized URL {path}"}})
            elif params.get("destination") in self.refusals:
                status, message = self.refusals[params["destination"]]
                result = (status, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                             "message": message, "param": "destination"}})
            else:
                number = next(self.counter)
                result = (200, {
                    "id": f"tr_stub{number:06d}", "object": "transfer", "amount": int(params["amount"]),
                    "currency": params["currency"], "destination": params["destination"], "livemode": False,
                    "metadata": {key[9:-1]: value for key, value in params.items() if key.startswith("metadata[")},
                    "reversed": False, "created": 1700000000 + number,
                })
            if key:
                self.answers[key] = result
            return result


def _handler(stub: ConnectStub):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            key = self.headers.get("Idempotency-Key", "")
            path = urllib.parse.urlsplit(self.path).path
            stub.calls.append({"path": path, "params": params, "idempotency_key": key,
                               "authorization": self.headers.get("Authorization", "")})
            status, payload = stub.answer(path, params, key)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_stub_{len(stub.calls)}")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def connect_stub():
    stub = ConnectStub()
    stub.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()
        thread.join(timeout=5)
