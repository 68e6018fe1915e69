"""The provider's settlement report file: Stripe's itemized balance change report (CSV, amounts in major units).

`report_parse(content)` reads every row or raises ReconciliationError naming the first bad row and column; it
stores nothing. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from django.utils.translation import gettext as _

from payments.money import ZERO_DECIMAL

REQUIRED = ("balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category", "source_id",
            "payment_intent_id")
CREATED = ("created_utc", "created")  # either; created_utc wins when both are there
CHARGE_TYPES = frozenset({"charge", "payment"})
REFUND_TYPES = frozenset({"refund", "payment_refund"})
CURRENCIES = frozenset(code.upper() for code in list_currencies())


class ReconciliationError(ValueError):
    """Bad input or a refused command; the message is shown to the operator as it is."""


@dataclass(frozen=True)
class Row:
    provider_id: str
    type: str
    category: str
    payment_intent: str
    source_id: str
    gross: Decimal
    fee: Decimal
    net: Decimal
    currency: str  # upper case, like the ledger's
    created: datetime


def record_type(category: str) -> str:
    category = (category or "").strip().lower()
    if category in CHARGE_TYPES:
        return "charge"
    if category in REFUND_TYPES:
        return "refund"
    return "other"


def row_check(row: Row, where: str) -> None:
    """Checks shared by the file and the API: a known currency, cent amounts, net = gross − fee."""
    if row.currency not in CURRENCIES:
        raise ReconciliationError(_("%(where)s, column “currency”: “%(value)s” is not a known currency code.")
                                  % {"where": where, "value": row.currency})
    if row.gross - row.fee != row.net:
        raise ReconciliationError(_("%(where)s, column “net”: %(net)s is not gross %(gross)s minus fee %(fee)s.")
                                  % {"where": where, "net": row.net, "gross": row.gross, "fee": row.fee})


def _where(number: int) -> str:
    return _("Row %(row)s") % {"row": number}


def _amount(value: str, *, column: str, number: int, currency: str) -> Decimal:
    text = (value or "").strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        amount = None
    places = 0 if currency.lower() in ZERO_DECIMAL else 2
    if amount is None or not amount.is_finite() or -amount.as_tuple().exponent > places:
        raise ReconciliationError(_("%(where)s, column “%(column)s”: “%(value)s” is not an amount in %(currency)s "
                                    "(like 12.34).")
                                  % {"where": _where(number), "column": column, "value": text,
                                     "currency": currency or "?"})
    return amount.quantize(Decimal("0.01"))


def _created(value: str, *, column: str, number: int) -> datetime:
    text = (value or "").strip()
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text), tz=UTC)
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        raise ReconciliationError(_("%(where)s, column “%(column)s”: “%(value)s” is not a date and time "
                                    "(like 2026-11-30 14:05:00, in UTC).")
                                  % {"where": _where(number), "column": column, "value": text}) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def report_parse(content: bytes) -> list[Row]:
    """Every row of the report, checked; ReconciliationError for the first problem (nothing is half-read)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReconciliationError(_("The file is not a CSV text file (UTF-8).")) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if not header:
        raise ReconciliationError(_("The file is empty: expected Stripe's itemized balance change report (CSV)."))
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    created_column = next((name for name in CREATED if name in header), None)
    if created_column is None:
        missing.append("created_utc")
    if missing:
        raise ReconciliationError(_("Row 1 (the header) lacks the column(s): %(columns)s.")
                                  % {"columns": ", ".join(missing)})
    rows: list[Row] = []
    seen: dict[str, int] = {}
    try:
        for number, raw in enumerate(reader, start=2):
            if None in raw:  # more cells than the header names
                raise ReconciliationError(_("%(where)s has more cells than the header has columns.")
                                          % {"where": _where(number)})
            if not any((value or "").strip() for value in raw.values()):
                continue  # a blank line
            provider_id = (raw["balance_transaction_id"] or "").strip()
            if not provider_id:
                raise ReconciliationError(_("%(where)s, column “balance_transaction_id”: it is empty.")
                                          % {"where": _where(number)})
            if provider_id in seen:
                raise ReconciliationError(_("%(where)s, column “balance_transaction_id”: %(id)s repeats row "
                                            "%(first)s.") % {"where": _where(number), "id": provider_id,
                                                             "first": seen[provider_id]})
            seen[provider_id] = number
            currency = (raw["currency"] or "").strip().upper()
            if currency not in CURRENCIES:
                raise ReconciliationError(_("%(where)s, column “currency”: “%(value)s” is not a known currency "
                                            "code.") % {"where": _where(number), "value": currency})
            gross, fee, net = (_amount(raw[column], column=column, number=number, currency=currency)
                               for column in ("gross", "fee", "net"))
            category = (raw["reporting_category"] or "").strip().lower()
            if not category:
                raise ReconciliationError(_("%(where)s, column “reporting_category”: it is empty.")
                                          % {"where": _where(number)})
            row = Row(provider_id=provider_id, type=record_type(category), category=category,
                      payment_intent=(raw["payment_intent_id"] or "").strip(),
                      source_id=(raw["source_id"] or "").strip(), gross=gross, fee=fee, net=net, currency=currency,
                      created=_created(raw[created_column], column=created_column, number=number))
            row_check(row, _where(number))
            rows.append(row)
    except csv.Error as error:
        raise ReconciliationError(_("The file is not valid CSV near row %(row)s: %(error)s.")
                                  % {"row": reader.line_num, "error": error}) from None
    if not rows:
        raise ReconciliationError(_("The file has a header but no records."))
    return rows
