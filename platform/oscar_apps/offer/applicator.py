"""Forked oscar applicator.

- Applying is idempotent: discounts left on the basket lines by an earlier application are cleared first. Oscar
  assumes a freshly loaded basket; applied twice to the same lines (the middleware, then the checkout), the second
  pass finds every item already consumed, records no offer application, and the order would keep discounted
  prices without the `OrderDiscount` rows that say which offer gave them (and who bears their cost).
- A voucher's offers apply only while the offer itself is available. Oscar applies them whenever the voucher is
  active and the customer may use it, even when the offer behind it has been paused (suspended), ended or used
  up; site offers are already held to that (`ConditionalOffer.active`).
- Each offer's ranges learn which of the basket's products they hold in one query per range (`Range.prime`),
  instead of oscar's one query per product and range: the basket costs the same whatever its size.
"""

from oscar.apps.offer.applicator import Applicator as CoreApplicator


class Applicator(CoreApplicator):
    def apply(self, basket, user=None, request=None):
        for line in basket.all_lines():
            line.clear_discount()
        super().apply(basket, user, request)

    def apply_offers(self, basket, offers):
        product_ids = {line.product_id for line in basket.all_lines()}
        for offer in offers:
            for part in (offer.condition, offer.benefit):
                if part is not None and part.range is not None:
                    part.range.prime(product_ids)
        super().apply_offers(basket, offers)

    def get_basket_offers(self, basket, user):
        return [offer for offer in super().get_basket_offers(basket, user)
                if offer.is_available(user=user if getattr(user, "is_authenticated", False) else None)]
