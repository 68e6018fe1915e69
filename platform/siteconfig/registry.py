"""Every setting the operator may change: its type, its default (from Django settings) and whether it is versioned.

A versioned setting keeps every value with the moment it took effect, so money computed later for an earlier
moment (a return window, a points rate) uses the value in force then.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    kind: type  # int, Decimal, bool, list
    versioned: bool

    def default(self):
        return DEFAULTS[self.key]()

    def encode(self, value) -> str:
        """The JSON text stored for `value` (a Decimal as its exact string, never a float)."""
        if self.kind is Decimal:
            return json.dumps(str(value))
        if self.kind is list:
            return json.dumps(sorted(value))
        return json.dumps(value)

    def decode(self, text: str):
        raw = json.loads(text)
        if self.kind is Decimal:
            return Decimal(str(raw))
        if self.kind is list:
            return list(raw)
        return self.kind(raw)


def _optional_int(value) -> int | None:
    return None if value in (None, "") else int(value)


DEFAULTS = {
    "return_window_days": lambda: int(settings.RETURN_WINDOW_DAYS),
    "withdrawal_min_amount": lambda: Decimal(str(settings.WITHDRAWAL_MIN_AMOUNT)),
    "withdrawal_fee": lambda: Decimal(str(settings.WITHDRAWAL_FEE)),
    "points_per_yuan": lambda: int(getattr(settings, "POINTS_PER_YUAN", 1)),
    "points_value": lambda: Decimal(str(getattr(settings, "POINTS_VALUE", "0.01"))),
    "points_redeem_cap": lambda: Decimal(str(getattr(settings, "POINTS_REDEEM_CAP", "0.20"))),
    # None until the operator sets one: new stock rows then get no threshold (no alerts), as before this setting
    "low_stock_default": lambda: _optional_int(getattr(settings, "LOW_STOCK_DEFAULT", None)),
    "payment_methods_disabled": lambda: list(getattr(settings, "PAYMENT_METHODS_DISABLED", [])),
}

SETTINGS = {
    item.key: item
    for item in [
        Setting("return_window_days", _("Return window (days after delivery)"), int, True),
        Setting("withdrawal_min_amount", _("Smallest withdrawal"), Decimal, True),
        Setting("withdrawal_fee", _("Withdrawal fee"), Decimal, True),
        Setting("points_per_yuan", _("Points earned per yuan paid"), int, True),
        Setting("points_value", _("Value of one point at checkout"), Decimal, True),
        Setting("points_redeem_cap", _("Share of an order payable with points"), Decimal, True),
        Setting("low_stock_default", _("Default low-stock threshold"), int, False),
        Setting("payment_methods_disabled", _("Payment methods switched off"), list, False),
    ]
}
VERSIONED = [item for item in SETTINGS.values() if item.versioned]
