"""What payment commands raise. PaymentError is a ValidationError: its message is for the person acting."""

from django.core.exceptions import ValidationError


class PaymentError(ValidationError):
    """The payment action cannot go on; the message says why. Nothing was written."""


class WebhookSignatureInvalid(Exception):
    """A webhook whose signature, timestamp or body does not verify: answered 400, nothing stored."""
