"""Amounts between our Decimals and a provider's integer minor units (cents, fen...). Never floats."""

from decimal import ROUND_HALF_UP, Decimal

from parties.money import CENT

# Stripe's zero-decimal currencies: the amount is sent in whole units.
ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
                          "xaf", "xof", "xpf"})


def quantize(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """20.50 CNY → 2050; 500 JPY → 500."""
    amount = quantize(amount)
    if currency.lower() in ZERO_DECIMAL:
        return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
    return int(amount * 100)


def from_minor(minor: int, currency: str) -> Decimal:
    if currency.lower() in ZERO_DECIMAL:
        return quantize(Decimal(int(minor)))
    return quantize(Decimal(int(minor)) / 100)
