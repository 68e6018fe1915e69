"""Changing the operator's settings: check the new value, store it as a new version, audit the change.

A versioned setting (money depends on it) takes a start moment, now or later, never the past, and no version is
ever edited; a later change is another version. A non-versioned one applies at once. Bad input raises
ValidationError with a message for the operator and stores nothing.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from siteconfig.models import SettingVersion
from siteconfig.registry import SETTINGS
from siteconfig.selectors import setting_value

CENT = Decimal("0.01")


def _integer(text, *, low: int, high: int | None, message: str) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        raise ValidationError(message) from None
    if value < low or (high is not None and value > high):
        raise ValidationError(message)
    return value


def _decimal(text, *, message: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(message) from None
    if not value.is_finite():
        raise ValidationError(message)
    return value


def _amount(text, *, label: str) -> Decimal:
    message = _("%(label)s: enter an amount of 0 or more with at most 2 decimals, e.g. 100.00.") % {"label": label}
    value = _decimal(text, message=message)
    if value < 0 or value != value.quantize(CENT):
        raise ValidationError(message)
    return value.quantize(CENT)


def _methods_off(values) -> list[str]:
    """The shopper payment methods to switch off; at least one method that can take money stays on."""
    from payments.registry import all_methods

    shopper = {method.code: method for method in all_methods() if not method.in_shop}
    codes = sorted({str(code) for code in values})
    unknown = [code for code in codes if code not in shopper]
    if unknown:
        raise ValidationError(_("Unknown payment method “%(code)s”.") % {"code": unknown[0]})
    if not any(method.is_enabled() for code, method in shopper.items() if code not in codes):
        raise ValidationError(_("Keep at least one payment method on (and configured): shoppers could not pay "
                                "for any order."))
    return codes


def setting_parse(*, key: str, raw):
    """The typed value of the operator's input for `key`, or ValidationError with a clear message."""
    label = str(SETTINGS[key].label)
    if key == "return_window_days":
        return _integer(raw, low=0, high=365, message=_("Return window: enter whole days from 0 to 365."))
    if key in ("withdrawal_min_amount", "withdrawal_fee"):
        return _amount(raw, label=label)
    if key == "points_per_yuan":
        return _integer(raw, low=0, high=100, message=_("Points per yuan: enter a whole number from 0 to 100."))
    if key == "points_value":
        value = _decimal(raw, message=_("Point value: enter an amount above 0, e.g. 0.01."))
        if value <= 0 or value != value.quantize(Decimal("0.0001")):
            raise ValidationError(_("Point value: enter an amount above 0 with at most 4 decimals, e.g. 0.01."))
        return value
    if key == "points_redeem_cap":
        message = _("Points cap: enter a share from 0 to 1, not 1 itself (part of an order is always paid in "
                    "money), e.g. 0.20 for 20 per cent.")
        value = _decimal(raw, message=message)
        if not Decimal("0") <= value < Decimal("1") or value != value.quantize(Decimal("0.0001")):
            raise ValidationError(message)
        return value
    if key == "low_stock_default":
        return _integer(raw, low=0, high=None, message=_("Low-stock default: enter a whole number of 0 or more."))
    if key == "payment_methods_disabled":
        return _methods_off(raw)
    raise ValidationError(_("Unknown setting “%(key)s”.") % {"key": key})


def _start(effective_from: datetime | None, now: datetime) -> datetime:
    if effective_from is None:
        return now
    if timezone.is_naive(effective_from):
        effective_from = timezone.make_aware(effective_from)
    # a form gives whole minutes: the current minute counts as now
    if effective_from < now.replace(second=0, microsecond=0):
        raise ValidationError(_("A new value starts now or later, never in the past: money already computed "
                                "used the value in force then."))
    return max(effective_from, now)


def _cross_check(*, key: str, value, at: datetime) -> None:
    """The fee stays below the smallest withdrawal, whichever of the two changes."""
    if key == "withdrawal_fee" and value >= setting_value(key="withdrawal_min_amount", at=at):
        raise ValidationError(_("The withdrawal fee (%(fee)s) must be less than the smallest withdrawal "
                                "(%(minimum)s) in force then.")
                              % {"fee": value, "minimum": setting_value(key="withdrawal_min_amount", at=at)})
    if key == "withdrawal_min_amount" and value <= setting_value(key="withdrawal_fee", at=at):
        raise ValidationError(_("The smallest withdrawal (%(minimum)s) must be more than the withdrawal fee "
                                "(%(fee)s) in force then.")
                              % {"minimum": value, "fee": setting_value(key="withdrawal_fee", at=at)})
    other = {"withdrawal_fee": "withdrawal_min_amount", "withdrawal_min_amount": "withdrawal_fee"}.get(key)
    if other:  # a version of the other one scheduled later must still fit
        for text in SettingVersion.objects.filter(key=other, effective_from__gt=at).values_list("value", flat=True):
            later = SETTINGS[other].decode(text)
            fee, minimum = (value, later) if key == "withdrawal_fee" else (later, value)
            if fee >= minimum:
                raise ValidationError(_("A scheduled change makes the withdrawal fee (%(fee)s) not less than the "
                                        "smallest withdrawal (%(minimum)s); change that first.")
                                      % {"fee": fee, "minimum": minimum})


SETTINGS_LOCK = 0x5E7719  # PostgreSQL advisory lock key of setting changes


def _changes_queue() -> None:
    """Setting changes queue behind each other until commit, so two changes never both pass the checks (the fee
    below the minimum, "already that value"), even for keys with no stored version yet (no row to lock).
    PostgreSQL: a transaction-scoped advisory lock; SQLite admits one writing transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SETTINGS_LOCK])


@transaction.atomic
def setting_change(*, actor, key: str, raw, effective_from: datetime | None = None, note: str = "") -> SettingVersion:
    """Store a new version of `key` from `effective_from` (versioned settings; now when None), audited."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise ValidationError(_("Unknown setting “%(key)s”.") % {"key": key})
    now = timezone.now()
    start = _start(effective_from, now) if setting.versioned else now
    value = setting_parse(key=key, raw=raw)
    _changes_queue()
    _cross_check(key=key, value=value, at=start)
    before = setting_value(key=key, at=start)
    if value == before:
        raise ValidationError(_("%(label)s is already %(value)s then; nothing to change.")
                              % {"label": setting.label, "value": _shown(value)})
    version = SettingVersion.objects.create(key=key, value=setting.encode(value), effective_from=start,
                                            created_by=saved_user(actor), note=(note or "").strip()[:255])
    audit_record(action="setting.change", actor=actor, target=version, changes={
        "key": key, "from": _shown(before), "to": _shown(value), "effective_from": start.isoformat(),
        "note": version.note})
    return version


def _shown(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)
