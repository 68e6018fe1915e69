"""Retail price arithmetic: a listing's price from its rule, the store's price ending, and the allowed band.

Pure functions on Decimals (no queries), shared by the listing services, repricing and the forms' previews.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from distributor.models import ListingFlag, PriceRule
from parties.money import CENT

HUNDRED = Decimal("100")


class PriceProblem(ValueError):
    """A rule that cannot give a valid price; the message says why, for the distributor."""


@dataclass(frozen=True)
class Band:
    floor: Decimal
    ceiling: Decimal | None

    def flag_for(self, price: Decimal) -> str:
        if price < self.floor:
            return ListingFlag.BELOW_FLOOR
        if self.ceiling is not None and price > self.ceiling:
            return ListingFlag.ABOVE_CEILING
        return ListingFlag.NONE


def price_band(*, wholesale: Decimal | None, floor: Decimal | None, suggested: Decimal | None,
               max_over_suggested_percent: Decimal) -> Band:
    """[floor, ceiling]: the supplier's floor (or wholesale without one); the operator's ceiling over suggested."""
    low = floor if floor is not None else (wholesale or CENT)
    ceiling = None
    if suggested is not None:
        ceiling = (suggested * (HUNDRED + max_over_suggested_percent) / HUNDRED).quantize(CENT, ROUND_FLOOR)
    return Band(floor=low, ceiling=max(ceiling, low) if ceiling is not None else None)


def round_to_ending(amount: Decimal, ending: str) -> Decimal:
    """Round up to the next price ending in `ending` ("0.00", "0.90", "0.99"); "exact" keeps the cents."""
    if ending in ("", "exact"):
        return amount
    tail = Decimal(ending)
    return ((amount - tail).to_integral_value(ROUND_CEILING) + tail).quantize(CENT)


def rule_price(*, rule: str, wholesale: Decimal | None, suggested: Decimal | None, fixed_price: Decimal | None,
               markup_percent: Decimal | None, ending: str, strict: bool = True) -> Decimal:
    """The price a rule gives. `strict` (a distributor choosing the rule) refuses a markup that lands between
    cents in an exact-priced store; repricing after a supplier's change rounds it up to the cent instead."""
    if rule == PriceRule.SUGGESTED:
        if suggested is None:
            raise PriceProblem(_("This SKU has no suggested retail price; choose a fixed price or a markup."))
        return suggested
    if rule == PriceRule.FIXED:
        if fixed_price is None:
            raise PriceProblem(_("Enter the fixed price."))
        if fixed_price <= 0:
            raise PriceProblem(_("The price must be more than zero."))
        if fixed_price != fixed_price.quantize(CENT):
            raise PriceProblem(_("A price has at most two decimals (whole cents); %(price)s has more.")
                               % {"price": fixed_price})
        return fixed_price
    if rule == PriceRule.MARKUP:
        if markup_percent is None:
            raise PriceProblem(_("Enter the markup percentage."))
        if markup_percent < 0:
            raise PriceProblem(_("A markup cannot be negative."))
        if wholesale is None:
            raise PriceProblem(_("This SKU has no wholesale price to mark up."))
        raw = wholesale * (HUNDRED + markup_percent) / HUNDRED
        if ending in ("", "exact"):
            if raw == raw.quantize(CENT):
                return raw.quantize(CENT)
            if strict:
                raise PriceProblem(_(
                    "%(markup)s%% over %(wholesale)s gives %(raw)s, which has more decimals than the currency; "
                    "choose another markup or give the store a price ending.") % {
                        "markup": markup_percent.normalize(), "wholesale": wholesale, "raw": raw.normalize()})
            return raw.quantize(CENT, ROUND_CEILING)
        return round_to_ending(raw, ending)
    raise PriceProblem(_("Unknown price rule."))
