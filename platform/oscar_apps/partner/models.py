"""Forked oscar partner: stock records carry the supplier's wholesale price and the retail price floor.

`price` stays oscar's selling price and holds the suggested retail price;
resellers' own prices come from their listings (distribution issue).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord

from parties.money import CENT


class StockRecord(AbstractStockRecord):
    wholesale_price = models.DecimalField(
        _("wholesale price"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(CENT)],
    )
    min_retail_price = models.DecimalField(
        _("minimum retail price"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(CENT)],
        help_text=_("The floor no reseller may price below."),
    )

    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wholesale_price__isnull=True)
                | models.Q(min_retail_price__isnull=True)
                | models.Q(min_retail_price__gte=models.F("wholesale_price")),
                name="mp_stockrecord_floor_not_below_wholesale",
            ),
        ]


from oscar.apps.partner.models import *  # noqa: E402,F401,F403  (oscar's fork pattern: our overrides first)
