"""The stock ledger: every change of a location's units is one `StockMovement` row, with who and why.

`supplier.WarehouseStock` holds the running totals per (SKU, location); on hand always equals the sum of
its movements' `on_hand_delta`, and allocated the sum of `allocated_delta` (tests/test_stock_ledger.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ALLOCATE = "allocate", _("Allocated to an order")
    RELEASE = "release", _("Allocation released")
    SHIP = "ship", _("Shipped")
    RETURN = "return", _("Returned to stock")
    WRITE_OFF = "write_off", _("Written off")
    ADJUST = "adjust", _("Adjusted")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    SALE = "sale", _("Sold in the shop")


class StockMovement(models.Model):
    stock = models.ForeignKey("mp_supplier.WarehouseStock", on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("movement"), max_length=16, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(_("on hand change"), default=0)
    allocated_delta = models.IntegerField(_("allocated change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True,
                                 help_text=_("The order, count or transfer that caused it."))
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["stock", "at"], name="mp_movement_stock_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.allocated_delta:+d}"


class StockAlert(models.Model):
    """Available units of one SKU at one location fell to or below its low-stock threshold."""

    stock = models.ForeignKey("mp_supplier.WarehouseStock", on_delete=models.CASCADE, related_name="alerts")
    threshold = models.PositiveIntegerField(_("threshold"))
    available = models.IntegerField(_("available when raised"))
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["stock"], condition=models.Q(cleared_at__isnull=True),
                                               name="mp_stock_alert_one_open")]


class Transfer(models.Model):
    """Units moved from one location to another of the same owner: dispatched (in transit) → received."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    from_location = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="transfers_out",
                                      verbose_name=_("source location"))
    to_location = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="transfers_in",
                                    verbose_name=_("destination location"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DISPATCHED)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    dispatched_at = models.DateTimeField(_("dispatched at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock transfer")
        ordering = ["-dispatched_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(from_location=models.F("to_location")),
                                              name="mp_transfer_two_locations")]

    def __str__(self) -> str:
        return f"T-{self.pk}"

    @property
    def reference(self) -> str:
        return f"T-{self.pk}"


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("units"))

    class Meta:
        verbose_name = _("transfer line")
        constraints = [models.UniqueConstraint(fields=["transfer", "stockrecord"], name="mp_transfer_line_unique"),
                       models.CheckConstraint(condition=models.Q(quantity__gte=1), name="mp_transfer_line_positive")]
