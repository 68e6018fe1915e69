"""`Idempotency-Key` on writes: the first answer is kept; the same key with the same request gets that answer again
(and changes nothing), with a different request a 409. A write that fails keeps nothing, so it may be retried.

The key row is inserted before the work, in the same transaction: of two requests racing with one key, the second
waits on the unique index until the first commits, then replays its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from api.errors import ApiError
from api.models import IdempotentRequest
from api.permissions import request_token

HEADER = "Idempotency-Key"


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request, *, run: Callable[[], Response]) -> Response:
    """Run `run()` once per (token, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return run()
    if len(key) > 255:
        raise ApiError(_("An Idempotency-Key is at most 255 characters."), code="invalid_idempotency_key")
    token = request_token(request)
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(token=token, key=key, fingerprint=print_)
        except IntegrityError:
            row = IdempotentRequest.objects.get(token=token, key=key)
            if row.fingerprint != print_:
                raise ApiError(_("This Idempotency-Key was already used with a different request. Use a new key "
                                 "for a new request."), code="idempotency_key_reused",
                               http_status=status.HTTP_409_CONFLICT) from None
            return Response(row.response, status=row.status_code, headers={"Idempotent-Replayed": "true"})
        response = run()
        row.status_code, row.response = response.status_code, response.data
        row.save(update_fields=["status_code", "response"])
    return response
