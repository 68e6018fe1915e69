"""Sending deliveries: claim the due ones with a lease (like notifications' outbox dispatcher, so two workers never
POST one delivery at once), POST each signed body once, keep the answer, then succeed or back off.

Back-off after a failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h; after MAX_ATTEMPTS the delivery is failed (a
person may retry it from the portal). Redirects are not followed (a 3xx is a failed attempt) and no proxy from the
environment is used; the connection goes to the addresses `validators.checked_connection` checked. Whatever goes
wrong with one receiver (refused address, timeout, a malformed answer) is that attempt's error: it is logged, kept
on the attempt and backed off, and the batch goes on.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone

from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.signing import signature
from webhooks.validators import checked_connection, validate_webhook_url

logger = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 10
BODY_LIMIT = 2048
BATCH = 20
LEASE = timedelta(seconds=BATCH * (TIMEOUT_SECONDS + 5))  # outlasts a batch of slow receivers: no double POST
USER_AGENT = "Marketplace-Webhooks/1"


@dataclass
class DeliverResult:
    succeeded: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


@dataclass
class Answer:
    status_code: int | None = None
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises HTTPError with the 3xx: a failed attempt


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = checked_connection  # http.client sets socket.create_connection per instance


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = checked_connection  # TLS then wraps the socket for the URL's host name


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(), _CheckedHTTPHandler(),
                                      _CheckedHTTPSHandler())


def backoff_after(attempts: int) -> timedelta | None:
    """The wait after `attempts` failed attempts; None when we give up."""
    return BACKOFF[attempts - 1] if attempts < MAX_ATTEMPTS else None


def _claim(*, limit: int, now) -> tuple[str, list[WebhookDelivery]]:
    token = uuid4().hex
    free = Q(lease_until=None) | Q(lease_until__lt=now)
    pending = WebhookDelivery.Status.PENDING
    due = list(WebhookDelivery.objects.filter(free, status=pending, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if not due:
        return token, []
    WebhookDelivery.objects.filter(free, pk__in=due, status=pending).update(lease_token=token, lease_until=now + LEASE)
    return token, list(WebhookDelivery.objects.select_related("endpoint").filter(pk__in=due, lease_token=token)
                       .order_by("pk"))


def post(*, url: str, body: bytes, headers: dict) -> Answer:
    """One POST; the answer's code and first 2 KB, or the reason there was none (refused address, timeout...)."""
    try:
        validate_webhook_url(url)
    except ValidationError as error:
        return Answer(error=" ".join(error.messages))
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(status_code=response.status, body=_text(response.read(BODY_LIMIT)))
    except urllib.error.HTTPError as error:
        with error:
            return Answer(status_code=error.code, body=_text(error.read(BODY_LIMIT)), error=f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        logger.info("Webhook POST to %s failed: %r", url, reason)
        return Answer(error=f"{type(reason).__name__}: {reason}"[:500])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def attempt(delivery: WebhookDelivery, *, now) -> Answer:
    body = json.dumps(delivery.body(), separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Marketplace-Event": delivery.kind, "X-Marketplace-Delivery": str(delivery.pk),
               "X-Marketplace-Signature": signature(secret=delivery.endpoint.secret, body=body,
                                                    timestamp=int(now.timestamp()))}
    return post(url=delivery.endpoint.url, body=body, headers=headers)


def webhooks_deliver(*, limit: int = BATCH, now=None) -> DeliverResult:
    """Send every due delivery once (oldest due first); `now` lets tests move the clock forward."""
    result = DeliverResult()
    while True:
        moment = now or timezone.now()
        token, rows = _claim(limit=limit, now=moment)
        if not rows:
            return result
        for delivery in rows:
            at = now or timezone.now()  # each attempt signed and dated when it is made, not when the batch began
            started = time.monotonic()
            try:
                answer = attempt(delivery, now=at)
            except Exception as error:  # a bug of ours on one delivery: logged, kept on it, the others still go
                logger.exception("Webhook delivery %s could not be attempted", delivery.pk)
                answer = Answer(error=f"{type(error).__name__}: {error}"[:500])
            _record(delivery, answer, token=token, now=at, duration_ms=int((time.monotonic() - started) * 1000),
                    result=result)
        if len(rows) < limit:
            return result


def _record(delivery: WebhookDelivery, answer: Answer, *, token: str, now, duration_ms: int,
            result: DeliverResult) -> None:
    number = delivery.attempts + 1
    fields = {"attempts": F("attempts") + 1, "last_status_code": answer.status_code,
              "last_response_body": answer.body, "last_error": answer.error, "last_attempt_at": now,
              "last_duration_ms": duration_ms, "lease_token": "", "lease_until": None}
    if answer.ok:
        fields.update(status=WebhookDelivery.Status.SUCCEEDED, delivered_at=now, next_attempt_at=None)
        result.succeeded.append(delivery.pk)
    elif (wait := backoff_after(number)) is not None:
        fields.update(next_attempt_at=now + wait)
        result.retrying.append(delivery.pk)
    else:
        fields.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        result.failed.append(delivery.pk)
    if WebhookDelivery.objects.filter(pk=delivery.pk, lease_token=token).update(**fields):
        WebhookAttempt.objects.create(delivery=delivery, number=number, started_at=now, duration_ms=duration_ms,
                                      status_code=answer.status_code, response_body=answer.body, error=answer.error)
    # else our lease ran out while the receiver dawdled and another run took the delivery: its record stands
