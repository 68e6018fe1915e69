"""What a placed order becomes for the people who ship it: one fulfilment group per supplier warehouse."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FulfilmentGroup(models.Model):
    """The part of one order that one supplier warehouse ships, with its own status."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To pick")
        PICKING = "picking", _("Picking")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="fulfilment_groups")
    supplier = models.ForeignKey("mp_parties.Supplier", on_delete=models.PROTECT, related_name="fulfilment_groups")
    warehouse = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="fulfilment_groups")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)  # starts the return window
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fulfilment group")
        ordering = ["order_id", "warehouse_id"]
        constraints = [models.UniqueConstraint(fields=["order", "warehouse"], name="mp_fulfilment_one_per_warehouse")]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.warehouse.code}"


class FulfilmentLine(models.Model):
    """How many units of one order line this group ships (a line may be split over warehouses)."""

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="fulfilment_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("fulfilment line")
        constraints = [models.UniqueConstraint(fields=["group", "line"], name="mp_fulfilment_line_unique"),
                       models.CheckConstraint(condition=models.Q(quantity__gte=1), name="mp_fulfilment_line_qty")]
