"""Payouts through Stripe Connect: one transfer from the platform's balance to a party's connected account.

The client is built from settings on every call (STRIPE_SECRET_KEY, and STRIPE_API_BASE for a local stand-in),
never through module-wide globals, like payments.registry.stripe_client. The idempotency key is derived from the
withdrawal, so a retried payout returns the first transfer instead of paying twice.
"""

from dataclasses import dataclass

from django.conf import settings


class PayoutRefused(Exception):
    """Stripe answered and refused the transfer (no money moved): the withdrawal fails and its funds return."""


class PayoutUnreachable(Exception):
    """Stripe could not be reached or answered with a server error: whether money moved is unknown, so the
    withdrawal stays approved and the transfer may be sent again (same idempotency key, never paid twice)."""


@dataclass(frozen=True)
class Transfer:
    id: str
    amount: int
    currency: str
    destination: str


def is_configured() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def _client():
    import stripe

    base = getattr(settings, "STRIPE_API_BASE", "") or ""
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "",
                               base_addresses={"api": base.rstrip("/")} if base else None,
                               max_network_retries=0)


def _message(error) -> str:
    return getattr(error, "user_message", None) or str(error) or error.__class__.__name__


def transfer_create(*, amount_minor: int, currency: str, destination: str, idempotency_key: str,
                    metadata: dict | None = None) -> Transfer:
    """POST /v1/transfers. Raises PayoutRefused (a definite no) or PayoutUnreachable (unknown outcome)."""
    import stripe

    params = {"amount": amount_minor, "currency": currency.lower(), "destination": destination,
              "metadata": {key: str(value) for key, value in (metadata or {}).items()}}
    try:
        transfer = _client().v1.transfers.create(params=params, options={"idempotency_key": idempotency_key})
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise PayoutUnreachable(_message(error)) from error
    except stripe.StripeError as error:
        if (getattr(error, "http_status", None) or 0) >= 500:
            raise PayoutUnreachable(_message(error)) from error
        raise PayoutRefused(_message(error)) from error
    return Transfer(id=transfer.id, amount=transfer.amount, currency=transfer.currency,
                    destination=transfer.destination)
