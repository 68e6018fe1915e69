"""Stripe's balance transactions for a period, read page by page into the same rows as the report file.

The client comes from `payments.registry.stripe_client()` (STRIPE_SECRET_KEY, STRIPE_API_BASE), never from
module-wide globals. Stripe gives amounts in minor units: `payments.money.from_minor` turns them into Decimals.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from payments.money import from_minor
from payments.registry import stripe_client, stripe_message
from settlement.reconciliation.parsing import ReconciliationError, Row, record_type, row_check

PAGE = 100
MAX_PAGES = 10_000  # a safety stop: one million transactions in one fetch


def _get(obj, name, default=None):
    """An attribute of a stripe object or a plain dict (stripe 16 objects have no .get())."""
    if obj is None:
        return default
    if isinstance(obj, dict) and not hasattr(obj, "to_dict"):
        return obj.get(name, default)
    try:
        value = obj[name]
    except (KeyError, TypeError, AttributeError):
        value = getattr(obj, name, default)
    return default if value is None else value


def _row(item) -> Row:
    ident = str(_get(item, "id", ""))
    currency = str(_get(item, "currency", "")).upper()
    source = _get(item, "source")
    if isinstance(source, str):
        source_id, intent = source, ""
    else:
        source_id, intent = str(_get(source, "id", "")), _get(source, "payment_intent", "")
        intent = intent if isinstance(intent, str) else str(_get(intent, "id", ""))
    where = _("Balance transaction %(id)s") % {"id": ident}
    try:
        gross, fee, net = (from_minor(int(_get(item, name, 0)), currency or "usd") for name in ("amount", "fee", "net"))
        created = datetime.fromtimestamp(int(_get(item, "created", 0)), tz=UTC)
    except (TypeError, ValueError):
        raise ReconciliationError(_("%(where)s: Stripe sent amounts or a date that are not numbers.")
                                  % {"where": where}) from None
    category = str(_get(item, "reporting_category", "") or _get(item, "type", "")).lower()
    kind = record_type(category)
    if kind == "other":
        kind = record_type(str(_get(item, "type", "")))
    row = Row(provider_id=ident, type=kind, category=category, payment_intent=intent or "", source_id=source_id,
              gross=gross, fee=fee, net=net, currency=currency, created=created)
    if not ident:
        raise ReconciliationError(_("Stripe sent a balance transaction without an id."))
    row_check(row, where)
    return row


def stripe_rows(*, since: datetime, until: datetime) -> list[Row]:
    """Every balance transaction created in [since, until), oldest first."""
    import stripe

    params = {"created": {"gte": int(since.timestamp()), "lt": int(until.timestamp())}, "limit": PAGE,
              "expand": ["data.source"]}
    client = stripe_client()
    rows: list[Row] = []
    try:
        for _page in range(MAX_PAGES):
            page = client.v1.balance_transactions.list(params=params)
            data = list(_get(page, "data", []) or [])
            rows += [_row(item) for item in data]
            if not _get(page, "has_more", False) or not data:
                break
            params = {**params, "starting_after": str(_get(data[-1], "id"))}
    except stripe.StripeError as error:
        raise ReconciliationError(_("Stripe could not list the balance transactions: %(error)s")
                                  % {"error": stripe_message(error)}) from error
    return sorted(rows, key=lambda row: (row.created, row.provider_id))
