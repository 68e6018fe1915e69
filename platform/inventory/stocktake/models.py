"""A stocktake counts the units of one location: `Stocktake` (the count), one `StocktakeLine` per stock row
counted (with the units expected when the count started), and the `StocktakeEntry` rows people enter.

A line's `counted` is the sum of its entries since the last correction (an entry of kind "set"); it stays
empty until someone counts it. Approving posts one adjustment movement per line whose count differs from
the units on hand then (see `inventory.stocktake.services`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Stocktake(models.Model):
    class Status(models.TextChoices):
        COUNTING = "counting", _("Counting")
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", _("Cancelled")

    location = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="stocktakes",
                                 verbose_name=_("location"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COUNTING)
    description = models.CharField(_("what is counted"), max_length=255, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    uncounted_zero = models.BooleanField(
        _("uncounted means zero"), default=False,
        help_text=_("Set on approval: lines nobody counted were taken as 0 units instead of being left out."))
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["location", "status"], name="mp_stocktake_location_status")]

    @property
    def code(self) -> str:
        """The reference its adjustments carry in the stock ledger."""
        return f"ST-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.COUNTING

    def __str__(self) -> str:
        return self.code


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    stock = models.ForeignKey("mp_supplier.WarehouseStock", on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField(_("expected at the start"))
    counted = models.IntegerField(_("counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake line")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "stock"], name="mp_stocktake_line_unique"),
            models.CheckConstraint(condition=Q(counted__isnull=True) | Q(counted__gte=0),
                                   name="mp_stocktake_line_counted_not_negative"),
        ]


class StocktakeEntry(models.Model):
    """What one person entered for one line: units found (added to the line) or a correction (sets it)."""

    class Kind(models.TextChoices):
        ADD = "add", _("Counted")
        SET = "set", _("Corrected")

    line = models.ForeignKey(StocktakeLine, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ADD)
    quantity = models.PositiveIntegerField(_("quantity"))
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("counted by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("stocktake entry")
        verbose_name_plural = _("stocktake entries")
        ordering = ["-at", "-pk"]
