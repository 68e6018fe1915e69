"""Forked oscar offers: a promotion has an owner, and a distributor's promotion reaches its own stores only.

`ConditionalOffer.distributor` is who bears the cost of the discount (settlement reads it through
`distributor.promotions.selectors.discount_costs`); `Range.distributor` is the scope. Oscar's condition and
benefit classes (`offer.conditions`, `offer.benefits`) subclass the `Condition` and `Benefit` models loaded with
`get_model`, i.e. these ones, so the two line checks below cover every condition and benefit type: while a range
has an owner, only basket lines added in one of that distributor's stores count towards the condition or take a
discount. A range without an owner (the operator's, from oscar's dashboard) is marketplace-wide.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.offer.abstract_models import (
    AbstractBenefit,
    AbstractCondition,
    AbstractConditionalOffer,
    AbstractRange,
)


def line_in_range_scope(product_range, line) -> bool:
    """Whether the basket line may take part in an offer over `product_range` (False for no store, wrong owner)."""
    owner_id = getattr(product_range, "distributor_id", None)
    if owner_id is None:
        return True
    store = line.store if line.store_id is not None else None
    return store is not None and store.distributor_id == owner_id


class ConditionalOffer(AbstractConditionalOffer):
    distributor = models.ForeignKey(
        "mp_parties.Distributor", null=True, blank=True, on_delete=models.PROTECT, related_name="promotions",
        verbose_name=_("distributor"),
        help_text=_("Who bears the cost of this promotion's discounts; empty for the marketplace (operator)."))

    class Meta(AbstractConditionalOffer.Meta):
        pass


class Range(AbstractRange):
    distributor = models.ForeignKey(
        "mp_parties.Distributor", null=True, blank=True, on_delete=models.PROTECT, related_name="promotion_ranges",
        verbose_name=_("distributor"),
        help_text=_("Only items sold in this distributor's stores are in the range; empty for every store."))

    def prime(self, product_ids) -> None:
        """Learn which of these products the range holds, in one query (see `contains_product`)."""
        known = self.__dict__.setdefault("_holds", {})
        missing = [pk for pk in product_ids if pk not in known]
        if not missing or self.proxy:
            return
        inside = set(self.product_queryset.filter(id__in=missing).values_list("id", flat=True))
        for pk in missing:
            known[pk] = pk in inside

    def contains_product(self, product):
        known = self.__dict__.get("_holds", {})
        if product.id in known:
            return known[product.id]
        return super().contains_product(product)

    class Meta(AbstractRange.Meta):
        pass


class SharedRangeProxyMixin:
    """oscar makes a fresh proxy (a new instance) each time an offer is checked, which reloads the range every
    time; the proxy shares this instance's range, so it is loaded once per offer and stays primed."""

    def proxy(self):
        proxied = super().proxy()
        if proxied is not self and self.range_id is not None:
            proxied.range = self.range
        return proxied


class Condition(SharedRangeProxyMixin, AbstractCondition):
    class Meta(AbstractCondition.Meta):
        pass

    def can_apply_condition(self, line):
        if self.range is not None and not line_in_range_scope(self.range, line):
            return False
        return super().can_apply_condition(line)


class Benefit(SharedRangeProxyMixin, AbstractBenefit):
    class Meta(AbstractBenefit.Meta):
        pass

    def can_apply_benefit(self, line):
        if self.range is not None and not line_in_range_scope(self.range, line):
            return False
        return super().can_apply_benefit(line)

    def get_applicable_lines(self, offer, basket, range=None):  # noqa: A002  (oscar's argument name)
        """oscar's lines, less those this offer can no longer touch.

        A line another (exclusive) offer has fully taken is left out: oscar's percentage benefit stops at the first
        such line (`break`), so one distributor's discounted line would otherwise keep the marketplace's offer off
        every line after it, and the multibuy benefit would discount it a second time. A benefit using another
        range (the fixed-price benefit uses the condition's) is held to that range's owner too.
        """
        line_tuples = super().get_applicable_lines(offer, basket, range=range)
        if range is not None and range is not self.range:
            line_tuples = [(price, line) for price, line in line_tuples if line_in_range_scope(range, line)]
        return [(price, line) for price, line in line_tuples if line.quantity_available_for_offer(offer) > 0]

from oscar.apps.offer.models import *  # noqa: E402,F401,F403  (oscar's fork pattern: our overrides first)
