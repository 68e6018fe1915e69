"""An in-shop sale: the till's side of a real oscar order rung up in a physical shop (how it was paid, the cash
received and the change, the card terminal's reference, who rang it up). The order, its lines and its payment
are oscar's and the payments app's, like any other order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InStoreSale(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="instore_sale",
                                 verbose_name=_("order"))
    store = models.ForeignKey("mp_parties.Store", on_delete=models.PROTECT, related_name="instore_sales",
                              verbose_name=_("store"))
    payment = models.OneToOneField("mp_payments.Payment", on_delete=models.PROTECT, related_name="instore_sale",
                                   verbose_name=_("payment"))
    method = models.CharField(_("paid by"), max_length=8, choices=Method.choices)
    tendered = models.DecimalField(_("cash received"), max_digits=12, decimal_places=2, null=True, blank=True)
    change = models.DecimalField(_("change given"), max_digits=12, decimal_places=2, default=0)
    terminal_reference = models.CharField(_("terminal reference"), max_length=64, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("rung up by"))
    created_at = models.DateTimeField(_("sold at"), auto_now_add=True)

    class Meta:
        verbose_name = _("in-shop sale")
        verbose_name_plural = _("in-shop sales")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(change__gte=0), name="mp_instore_change_not_negative"),
            models.CheckConstraint(condition=Q(method="card") | Q(tendered__isnull=False),
                                   name="mp_instore_cash_has_tendered"),
        ]

    def __str__(self) -> str:
        return self.order.number
