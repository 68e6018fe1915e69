"""The marketplace's money step: every amount is a Decimal quantized to the cent (the currencies it trades in
have two decimals; payments.money converts for providers' zero-decimal currencies)."""

from decimal import Decimal

CENT = Decimal("0.01")
