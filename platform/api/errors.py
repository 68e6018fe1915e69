"""One JSON shape for every error the API gives:

    {"error": {"status": 400, "code": "invalid", "message": "…", "details": {…}}}

`details` holds field errors ({"field": ["…"]}) or, for a bulk write, the refused rows
({"rows": [{"row": 3, "sku": "…", "message": "…"}]}). Django's ValidationError raised by a service is a 400 with
its messages; 404s, 500s and unknown /api/ addresses answer in the same shape (`json_error`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback


class ApiError(exceptions.APIException):
    """An error with our own code, message and details, e.g. a bulk write's refused rows."""

    def __init__(self, message: str, *, code: str = "invalid", http_status: int = status.HTTP_400_BAD_REQUEST,
                 details: dict | None = None):
        super().__init__(detail=message, code=code)
        self.status_code = http_status
        self.error_code = code
        self.details = details or {}


def error_body(*, http_status: int, code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"status": http_status, "code": code, "message": str(message), "details": details or {}}}


def json_error(*, http_status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    """The error shape for plain Django responses (404/500 handlers under /api/)."""
    return JsonResponse(error_body(http_status=http_status, code=code, message=message, details=details),
                        status=http_status)


def _flatten(detail) -> tuple[str, dict]:
    """(first message, details) from DRF's error detail (a string, a list or a dict of fields)."""
    if isinstance(detail, dict):
        fields = {key: [str(item) for item in (value if isinstance(value, list) else [value])]
                  for key, value in detail.items()}
        first_key = next(iter(fields), "")
        first = fields[first_key][0] if first_key and fields[first_key] else _("The request is not valid.")
        if first_key in ("non_field_errors", "detail"):
            return first, ({} if len(fields) == 1 else fields)
        return f"{first_key}: {first}", fields
    if isinstance(detail, list):
        messages = [str(item) for item in detail]
        return (messages[0] if messages else _("The request is not valid.")), (
            {"messages": messages} if len(messages) > 1 else {})
    return str(detail), {}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        messages = exc.messages
        exc = ApiError(messages[0] if messages else _("The request is not valid."),
                       details={"messages": messages} if len(messages) > 1 else {})
    elif isinstance(exc, Http404):
        exc = ApiError(str(exc.args[0]) if exc.args and isinstance(exc.args[0], str) and " matches the given query"
                       not in exc.args[0] else _("Not found, or not yours."), code="not_found",
                       http_status=status.HTTP_404_NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = ApiError(str(exc) or _("Not allowed."), code="permission_denied", http_status=status.HTTP_403_FORBIDDEN)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handler answers (in this shape under /api/) and logs it
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, ApiError):
        code, message, details = exc.error_code, str(exc.detail), exc.details
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else ("invalid" if isinstance(exc, exceptions.ValidationError)
                                                      else exc.default_code)
        message, details = _flatten(exc.detail)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        exc.status_code = status.HTTP_401_UNAUTHORIZED  # DRF says 403 when it has no header to send
    if isinstance(exc, exceptions.Throttled):
        details = {**details, "retry_after": int(exc.wait or 0)}
    set_rollback()
    return Response(error_body(http_status=exc.status_code, code=code, message=message, details=details),
                    status=exc.status_code, headers=headers)
