"""Forked oscar order: each line remembers where and at what cost it was sold.

The store, the listing, the supplier and the wholesale price are copied at the time of sale, so later
price changes never rewrite what an order earned anyone (settlement reads these).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine


class Line(AbstractLine):
    store = models.ForeignKey("mp_parties.Store", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="order_lines", verbose_name=_("store"))
    listing = models.ForeignKey("mp_distributor.Listing", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="order_lines", verbose_name=_("listing"))
    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="order_lines", verbose_name=_("supplier"))
    wholesale_price = models.DecimalField(_("wholesale price at sale"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)

    class Meta(AbstractLine.Meta):
        pass


from oscar.apps.order.models import *  # noqa: E402,F401,F403  (oscar's fork pattern: our overrides first)
